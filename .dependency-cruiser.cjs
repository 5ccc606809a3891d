/**
 * The layers of src/ (docs/architecture.md), checked by `npm run lint`: imports go down, never up,
 * never in a cycle, never into cli/. A layer may import any layer below it.
 *
 *   foundations  util/ go/ expression/ k8s/ jmespath/ cel/   (import only each other)
 *   domain/      the rules every entry point shares
 *   api/         clustermint kinds
 *   store/       the Store interface and its backends
 *   validate/    schemas, CRD OpenAPI, CEL rules
 *   render/      charts, Go templates, ClusterClass topology
 *   policy/      the kyverno-json engine
 *   resolve/     what a submission names: templates, ClusterClasses, policies
 *   gate/        resolve -> values -> render -> validate -> policy
 *   providers/   provider plugins
 *   services/    delivery to workload clusters (imports neither controller/ nor webhook/)
 *   controller/, webhook/   (side by side: neither imports the other)
 *   cli/         commands; nothing imports it
 */
const FOUNDATIONS = '(util|go|expression|k8s|jmespath|cel)';
const ORDER = ['domain', 'api', 'store', 'validate', 'render', 'policy', 'resolve', 'gate', 'providers'];
const TOP = ['controller', 'webhook', 'services', 'cli'];

const dir = (names) => `^src/(${names.join('|')})/`;

const layerRules = ORDER.map((layer, i) => ({
  name: `${layer}-imports-upward`,
  comment: `${layer}/ may import only the foundations and the layers below it: ${ORDER.slice(0, i).join(', ') || '(none)'}`,
  severity: 'error',
  from: { path: dir([layer]) },
  to: { path: dir([...ORDER.slice(i + 1), ...TOP]) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make the load order fragile and the layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'foundations-import-only-foundations',
      comment: 'util/ go/ expression/ k8s/ jmespath/ cel/ are shared by every layer and import none.',
      severity: 'error',
      from: { path: `^src/${FOUNDATIONS}/` },
      to: { path: '^src/', pathNot: `^src/${FOUNDATIONS}/` },
    },
    ...layerRules,
    {
      name: 'controller-and-webhook-are-separate',
      comment: 'The controller and the webhook share the layers below them, not each other.',
      severity: 'error',
      from: { path: dir(['controller']) },
      to: { path: dir(['webhook', 'cli']) },
    },
    {
      name: 'webhook-does-not-import-controller',
      severity: 'error',
      from: { path: dir(['webhook']) },
      to: { path: dir(['controller', 'cli']) },
    },
    {
      name: 'services-are-below-controller-and-webhook',
      comment: 'services/ decides and performs delivery to workload clusters; the controller drives it.',
      severity: 'error',
      from: { path: dir(['services']) },
      to: { path: dir(['controller', 'webhook', 'cli']) },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli/ parses arguments and prints; what another layer needs belongs below it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
