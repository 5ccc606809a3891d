// A ServiceTemplateChain as the admission rules see it (api/template-chain.ts serviceChainFact):
// the status when written, else the spec's own problems; the templates it supports.
import { describe, expect, it } from 'vitest';
import { serviceChainFact } from '../../src/api/template-chain.js';

const spec = {
  supportedTemplates: [{ name: 'nginx-1', availableUpgrades: [{ name: 'nginx-2' }] }, { name: 'nginx-2' }],
};

describe('serviceChainFact', () => {
  it('supports the supportedTemplates, not the upgrade targets alone', () => {
    const only = serviceChainFact(
      { spec: { supportedTemplates: [{ name: 'a', availableUpgrades: [] }] } },
      false,
    );
    expect(only).toEqual({ valid: true, templates: ['a'], revoked: false });
    expect(serviceChainFact({ spec }, true)).toEqual({
      valid: true,
      templates: ['nginx-1', 'nginx-2'],
      revoked: true,
    });
  });

  it('without a status, is judged by its spec', () => {
    const bad = {
      spec: { supportedTemplates: [{ name: 'nginx-1', availableUpgrades: [{ name: 'nginx-9' }] }] },
    };
    expect(serviceChainFact(bad, false)).toEqual({
      valid: false,
      validationError: 'upgrade target "nginx-9" of "nginx-1" is not a supported template of the chain',
      templates: ['nginx-1'],
      revoked: false,
    });
    expect(serviceChainFact({}, false).valid).toBe(false);
  });

  it('with a status, takes its verdict', () => {
    expect(
      serviceChainFact(
        { spec, status: { valid: false, validationError: 'ServiceTemplate nginx-2 is not found' } },
        false,
      ),
    ).toMatchObject({ valid: false, validationError: 'ServiceTemplate nginx-2 is not found' });
    const bad = { spec: { supportedTemplates: [{ name: 'a', availableUpgrades: [{ name: 'b' }] }] } };
    expect(serviceChainFact({ ...bad, status: { valid: true } }, false)).toMatchObject({ valid: true });
    expect(serviceChainFact({ spec, status: { valid: false } }, false)).toEqual({
      valid: false,
      templates: ['nginx-1', 'nginx-2'],
      revoked: false,
    });
  });
});
