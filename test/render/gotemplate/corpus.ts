/**
 * Hand-written differential corpus: every case runs through our engine and through Go's
 * text/template + sprig (tools/gotemplate-ref); output or error must agree.
 */
export interface Case {
  template: string;
  data?: unknown;
  name?: string;
  missingKey?: 'default' | 'zero' | 'error';
}

const vars = {
  stringVariable: 'bar',
  integerVariable: 3,
  numberVariable: 2.5,
  booleanVariable: true,
  big: 1000000,
  small: 0.00001,
  neg: -4,
  nothing: null,
  empty: '',
  zero: 0,
  list: ['a', 'b', 'c'],
  nums: [3, 1, 2],
  emptyList: [],
  emptyMap: {},
  withNull: ['x', null],
  obj: { b: 2, a: 1, c: { d: 'deep' } },
  variableObject: { firstLevel: { secondLevel: { leaf: 'value' } } },
  variableArray: ['string1', 'string2', 'string3'],
  objArray: [
    { propertyA: 'A0', propertyB: 'B0' },
    { propertyA: 'A1', propertyB: 'B1' },
  ],
  mdConfig: { mdClass1: { config: 'configValue1' }, mdClass2: { config: 'configValue2' } },
  versions: { 'v1.21.0': { config: 'configValue1' }, 'v1.21.1': { config: 'configValue2' } },
  builtin: {
    cluster: {
      name: 'cluster1',
      namespace: 'default',
      topology: { version: 'v1.21.1', class: 'clusterClass1' },
    },
    machineDeployment: { class: 'mdClass2', version: 'v1.21.1', replicas: 3 },
    machinePool: { class: 'mpClass2' },
    controlPlane: { replicas: 3 },
  },
  httpProxy: { enabled: true, url: 'localhost:3128', noProxy: 'internal.example.com' },
  httpProxyEnabled: true,
  variableA: 'abc',
  proto: JSON.parse('{"__proto__": "plain", "constructor": "c"}'),
  unicode: 'héllo wörld ✓',
  html: `<a href="x">'&'</a>`,
};

/** Engine features: syntax, control flow, data model, builtins, errors. */
export const engineCases: Case[] = [
  // text, actions, trimming, comments
  { template: 'plain text' },
  { template: '' },
  { template: 'a {{- " b " -}} c' },
  { template: 'a  {{- .stringVariable }}  \n x', data: vars },
  { template: 'a\n\n{{- /* comment */ -}}\n\nb' },
  { template: '{{/* a comment */}}x{{- /* trimmed */}} y' },
  { template: '{{/* unclosed' },
  { template: '{{/* c */ x }}' },
  { template: '{{-3}}' },
  { template: '{{- 3 -}}' },
  { template: '{{ 3 }}{{ -3 }}{{ +3 }}{{ 0x1F }}{{ 0o17 }}{{ 017 }}{{ 0b101 }}{{ 1_000 }}' },
  { template: "{{ 1.5 }} {{ 1e3 }} {{ 1.0 }} {{ 'a' }} {{ '\\n' }} {{ 0x1p4 }}" },
  { template: '{{ 1e100 }} {{ 123456789.0 }} {{ 0.000001 }}' },
  { template: '{{ 99999999999999999999 }}' },
  { template: '{{ 089 }}' },
  { template: '{{ 3x }}' },
  { template: '{{ "a\\tb" }} {{ `raw\\n` }} {{ "\\u00e9\\x41\\101" }}' },
  { template: '{{ "unterminated }}' },
  { template: '{{ "bad \\q escape" }}' },
  { template: '{{ true }} {{ false }} {{ nil }}' },
  { template: '{{ . }}', data: 'dot string' },
  { template: '{{ . }}', data: null },
  { template: '{{ . }}', data: vars.obj },
  // data model printing (Case 7)
  { template: '{{ .stringVariable }}', data: vars },
  { template: '{{ .integerVariable }}', data: vars },
  { template: '{{ .numberVariable }}', data: vars },
  { template: '{{ .booleanVariable }}', data: vars },
  { template: '{{ .big }} {{ .small }} {{ .neg }} {{ .zero }}', data: vars },
  { template: '{{ booleanVariable }}', data: vars },
  { template: '{{ .variableObject }}', data: vars },
  { template: '{{ .variableObject.firstLevel }}', data: vars },
  { template: '{{ .variableObject.firstLevel.secondLevel }}', data: vars },
  { template: '{{ .variableObject.firstLevel.secondLevel.leaf }}', data: vars },
  { template: '{{ .variableObject.firstLevel.secondLevel.anotherLeaf }}', data: vars },
  { template: '{{ .variableArray }}', data: vars },
  { template: '{{ .withNull }} {{ .nothing }} {{ .emptyList }} {{ .emptyMap }}', data: vars },
  { template: '{{ .missing }} {{ .missing.deeper }}', data: vars },
  { template: '{{ .nothing.field }}', data: vars },
  { template: '{{ .stringVariable.field }}', data: vars },
  { template: '{{ .obj.a.field }}', data: vars },
  { template: '{{ index .proto "__proto__" }} {{ .proto.constructor }} {{ .proto }}', data: vars },
  { template: '{{ .unicode }} {{ len .unicode }}', data: vars },
  {
    template: '{{ if .vnetName }}{{.vnetName}}{{else}}{{.builtin.cluster.name}}-vnet{{end}}',
    data: { ...vars, vnetName: 'custom-network' },
  },
  { template: '{{ if .vnetName }}{{.vnetName}}{{else}}{{.builtin.cluster.name}}-vnet{{end}}', data: vars },
  {
    template:
      '{\n{{ range $key, $value := .variableObject }}\n"{{$key}}-modified": "{{$value}}",\n{{end}}\n}',
    data: { variableObject: { key1: 'value1', key2: 'value2' } },
  },
  { template: '{ {{ range .variableArray }} "{{.}}-modified": "value", {{end}} }', data: vars },
  { template: '{{ index .variableArray 1 }}', data: vars },
  { template: '{{ (index .objArray 1).propertyA }}', data: vars },
  { template: '{{ (index .mdConfig .builtin.machineDeployment.class).config }}', data: vars },
  { template: '{{ (index .versions .builtin.machineDeployment.version).config }}', data: vars },
  {
    template:
      '- name: {{ .builtin.cluster.name }}-control-plane-azure-json\n  path: /etc/kubernetes/azure.json',
    data: vars,
  },
  { template: '["{{ .builtin.cluster.name }}-control-plane-azure-json"]', data: vars },
  // Case 4 (enabledIf)
  { template: '{{ variable }}', data: vars },
  { template: 'true' },
  { template: '\ntrue\n' },
  { template: '{{ .httpProxyEnabled }}', data: vars },
  { template: '\n{{ .httpProxyEnabled }}\n', data: vars },
  { template: '{{ .httpProxyEnabled }}', data: { httpProxyEnabled: false } },
  { template: '{{ if eq "v1.21.1" .builtin.cluster.topology.version }}true{{end}}', data: vars },
  { template: '{{ if eq "v1.21.2" .builtin.cluster.topology.version }}true{{end}}', data: vars },
  { template: '{{ if eq "v1.21.1" .builtin.cluster.topology.version }}true{{else}}false{{end}}', data: vars },
  { template: '{{ if eq "v1.21.2" .builtin.cluster.topology.version }}true{{else}}false{{end}}', data: vars },
  { template: '{{ if .variableA }}true{{end}}', data: vars },
  { template: '{{ if .variableA }}true{{end}}', data: { variableA: '' } },
  { template: '{{ if .variableA }}true{{end}}', data: { variableA: null } },
  { template: '{{ if .variableA }}true{{end}}', data: { variableB: 'x' } },
  { template: '{{ if .httpProxy.enabled }}true{{end}}', data: vars },
  { template: '{{ if .httpProxy.enabled }}true{{end}}', data: { httpProxy: { enabled: false } } },
  // truthiness
  {
    template:
      '{{if .empty}}1{{end}}{{if .zero}}2{{end}}{{if .emptyList}}3{{end}}{{if .emptyMap}}4{{end}}{{if .nothing}}5{{end}}{{if .missing}}6{{end}}{{if .list}}7{{end}}{{if .obj}}8{{end}}{{if 0}}9{{end}}{{if 0.0}}10{{end}}{{if 1}}11{{end}}',
    data: vars,
  },
  // if / else if / with / else with
  { template: '{{if .a}}A{{else if .b}}B{{else if .c}}C{{else}}D{{end}}', data: { c: 1 } },
  { template: '{{if .a}}A{{else if .b}}B{{else}}D{{end}}', data: {} },
  { template: '{{with .obj}}{{.a}}/{{.c.d}}{{end}}', data: vars },
  { template: '{{with .missing}}x{{else}}none{{end}}', data: vars },
  { template: '{{with .missing}}x{{else with .obj.c}}{{.d}}{{else}}none{{end}}', data: vars },
  { template: '{{with $x := .obj.a}}{{$x}}{{.}}{{end}}', data: vars },
  { template: '{{if}}{{end}}' },
  { template: '{{if .a}}' },
  { template: '{{else}}' },
  { template: '{{end}}' },
  { template: '{{if .a}}x{{else}}y{{else}}z{{end}}' },
  // range
  { template: '{{range .list}}[{{.}}]{{end}}', data: vars },
  { template: '{{range $i, $e := .list}}{{$i}}={{$e}} {{end}}', data: vars },
  { template: '{{range $e := .list}}{{$e}}{{end}}', data: vars },
  { template: '{{range $k, $v := .obj}}{{$k}}:{{$v}};{{end}}', data: vars },
  { template: '{{range .emptyList}}x{{else}}empty{{end}}', data: vars },
  { template: '{{range .missing}}x{{else}}missing{{end}}', data: vars },
  { template: '{{range 3}}{{.}}{{end}}' },
  { template: '{{range $i := 4}}{{$i}}{{end}}' },
  { template: '{{range $i, $e := 4}}{{$i}}{{end}}' },
  { template: '{{range 0}}x{{else}}zero{{end}}' },
  { template: '{{range .stringVariable}}x{{end}}', data: vars },
  { template: '{{range .integerVariable}}x{{end}}', data: vars },
  { template: '{{range .list}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', data: vars },
  { template: '{{range .list}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', data: vars },
  {
    template: '{{range .list}}{{range $.nums}}{{if eq . 1.0}}{{break}}{{end}}{{.}}{{end}}{{.}}|{{end}}',
    data: vars,
  },
  { template: '{{break}}' },
  { template: '{{range .list}}{{else}}{{continue}}{{end}}', data: vars },
  { template: '{{range .withNull}}[{{.}}]{{end}}', data: vars },
  { template: '{{range .withNull}}{{.field}}{{end}}', data: vars },
  { template: '{{range .list}}{{.field}}{{end}}', data: vars },
  { template: '{{range $i, $e, $f := .list}}{{end}}', data: vars },
  { template: '{{range .nums}}{{$}}{{end}}', data: 5 },
  // variables
  { template: '{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}' },
  { template: '{{$x := .list}}{{range $x}}{{$x}}{{end}}', data: vars },
  { template: '{{$x := 1}}{{if true}}{{$x = 2}}{{$x := 3}}{{$x}}{{end}}{{$x}}' },
  { template: '{{$x}}' },
  { template: '{{$x = 1}}' },
  { template: '{{$.stringVariable}} {{$.obj.c.d}}', data: vars },
  { template: '{{range .list}}{{$.stringVariable}}{{end}}', data: vars },
  { template: '{{$x := .obj}}{{$x.c.d}} {{$x.missing}}', data: vars },
  { template: '{{$x := .nothing}}{{$x}}', data: vars },
  { template: '{{$a, $b := 1}}' },
  // pipelines, parens, chains
  { template: '{{ .stringVariable | printf "%s-%s" "x" }}', data: vars },
  { template: '{{ "a" | printf "%s%s" "b" | printf "%s%s" "c" }}' },
  { template: '{{ (printf "%d" 5) }} {{ (len .list) }}', data: vars },
  { template: '{{ (index .objArray 0).propertyB }} {{ (.obj).c.d }}', data: vars },
  { template: '{{ . | 3 }}' },
  { template: '{{ .stringVariable 3 }}', data: vars },
  { template: '{{ 3 4 }}' },
  { template: '{{ (1) 2 }}' },
  { template: '{{ nil }}' },
  { template: '{{ (nil).x }}' },
  { template: '{{ "x".y }}' },
  { template: '{{ ( }}' },
  { template: '{{ ) }}' },
  { template: '{{ | }}' },
  { template: '{{ .a | }}' },
  { template: '{{ # }}' },
  { template: '{{ .a' },
  { template: 'line1\nline2 {{ .a\nb }}' },
  { template: '{{ $x := }}' },
  { template: '{{ .a.b.c.d }}', data: { a: { b: 'str' } } },
  { template: '{{ .a.b }}', data: { a: null } },
  { template: '{{ .a.b }}', data: { a: [1] } },
  { template: '{{ .obj.x 1 }}', data: vars },
  { template: '{{ notAFunction 1 }}' },
  // define / template / block
  { template: '{{define "T1"}}ONE{{end}}{{define "T2"}}TWO {{template "T1"}}{{end}}{{template "T2"}}' },
  { template: '{{define "T"}}[{{.}}]{{end}}{{template "T" .stringVariable}}{{template "T"}}', data: vars },
  { template: '{{define "T"}}{{$}}{{end}}{{range .list}}{{template "T" .}}{{end}}', data: vars },
  { template: '{{block "B" .list}}{{range .}}{{.}}{{end}}{{end}}', data: vars },
  { template: '{{template "nope"}}' },
  { template: '{{define "T"}}{{.x.y}}{{end}}\n{{template "T" .}}', data: { x: 'str' } },
  { template: '{{define "T"}}a{{end}}{{define "T"}}b{{end}}' },
  { template: '{{define "T"}}{{end}}{{define "T"}}b{{end}}{{template "T"}}' },
  { template: '{{define "T"}}{{template "T"}}{{end}}{{template "T"}}' },
  { template: '{{define T}}{{end}}' },
  { template: '{{define "T"}}' },
  { template: '{{template .x}}' },
  // builtins: and / or / not
  {
    template: '{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 "" 3 }} {{ or 0 "" }} {{ not 0 }} {{ not .list }}',
    data: vars,
  },
  { template: '{{ and .missing .missing.x }} {{ or .stringVariable .fail.x }}', data: vars },
  { template: '{{ and 0 (index .list 99) }} {{ or 1 (index .list 99) }}', data: vars },
  { template: '{{ or 0 (index .list 99) }}', data: vars },
  { template: '{{ 0 | and 1 }} {{ 0 | or 1 }} {{ 5 | or 0 }}' },
  { template: '{{ and }}' },
  { template: '{{ not }}' },
  { template: '{{ not 1 2 }}' },
  // comparisons
  { template: '{{ eq 1 1 }} {{ eq 1 2 }} {{ eq "a" "a" }} {{ eq 1 2 3 1 }} {{ eq true true }}' },
  { template: '{{ eq 1 1.0 }}' },
  { template: '{{ eq .integerVariable 3 }}', data: vars },
  { template: '{{ eq .integerVariable 3.0 }} {{ eq .numberVariable 2.5 }}', data: vars },
  { template: '{{ eq .missing 1 }} {{ eq .missing .nothing }} {{ eq .nothing "x" }}', data: vars },
  { template: '{{ eq .list .list }}', data: vars },
  { template: '{{ eq .list 1 }}', data: vars },
  { template: '{{ eq .obj .list }}', data: vars },
  { template: '{{ eq 1 }}' },
  { template: '{{ ne 1 2 }} {{ ne "a" "a" }}' },
  { template: '{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ lt "Z" "a" }}' },
  { template: '{{ lt 1 1.5 }}' },
  { template: '{{ lt true false }}' },
  { template: '{{ lt .list 1 }}', data: vars },
  { template: '{{ gt .integerVariable 2.0 }} {{ lt .missing 1 }}', data: vars },
  // len / index / slice
  { template: '{{ len .list }} {{ len .obj }} {{ len "héllo" }} {{ len .emptyList }}', data: vars },
  { template: '{{ len 3 }}' },
  { template: '{{ len .nothing }}', data: vars },
  { template: '{{ index .obj "b" }} {{ index .obj.c "d" }} {{ index .obj "zz" }}', data: vars },
  { template: '{{ index .list 5 }}', data: vars },
  { template: '{{ index .list 3 }}', data: vars },
  { template: '{{ index .list -1 }}', data: vars },
  { template: '{{ index .list 1.0 }}', data: vars },
  { template: '{{ index .list .integerVariable }}', data: vars },
  { template: '{{ index .obj 1 }}', data: vars },
  { template: '{{ index .missing 1 }}', data: vars },
  { template: '{{ index "abc" 1 }}' },
  { template: '{{ index 3 1 }}' },
  { template: '{{ index .list }}', data: vars },
  { template: '{{ index .objArray 1 "propertyB" }}', data: vars },
  // print / printf / println
  { template: '{{ print 1 2 "a" "b" 3 .nothing 4 }}', data: vars },
  { template: '{{ println 1 "a" .numberVariable }}', data: vars },
  { template: '{{ printf "%d %s %v %q %x %X %o %b %c %U" 42 "s" 1.5 "q" 255 255 8 5 65 65 }}' },
  { template: '{{ printf "%5d|%-5d|%05d|%+d|% d" 42 42 42 42 42 }}' },
  {
    template:
      '{{ printf "%.2f %8.3f %e %g %G %.3g %.0f" 3.14159 2.5 123456.789 0.0000123 1e21 1234.5678 2.5 }}',
  },
  { template: '{{ printf "%v %v %v %v" .obj .list .nothing .missing }}', data: vars },
  { template: '{{ printf "%T %T %T %T %T %T" 1 1.5 "s" .obj .list .nothing }}', data: vars },
  {
    template:
      '{{ printf "%d" 1.5 }} {{ printf "%s" 1 }} {{ printf "%d" }} {{ printf "%z" 1 }} {{ printf "x" 1 "a" }}',
  },
  { template: '{{ printf "%d" .integerVariable }}', data: vars },
  { template: '{{ printf "%6.2f|%-8s|%8s|%x" .numberVariable "ab" "cd" "hi" }}', data: vars },
  { template: '{{ printf "%[2]s %[1]s" "a" "b" }} {{ printf "%*d" 5 3 }} {{ printf "%%" }}' },
  { template: '{{ printf "%t %v" true false }} {{ printf "%q" 65 }} {{ printf "%#v" .obj }}', data: vars },
  { template: '{{ printf 3 }}' },
  { template: '{{ printf .integerVariable }}', data: vars },
  { template: '{{ printf "%s" .nothing }} {{ printf "%v" .withNull }}', data: vars },
  // html / js / urlquery / call
  { template: '{{ html .html }} {{ js .html }} {{ urlquery "a b&c=d/é" }}', data: vars },
  { template: '{{ html 1 "a" }} {{ js "\\u2028x\\n" }} {{ html .missing }}', data: vars },
  { template: '{{ call .stringVariable }}', data: vars },
  { template: '{{ call .missing }}', data: vars },
  // missingkey
  { template: '{{ .missing }}', data: vars, missingKey: 'zero' },
  { template: '{{ .missing }}', data: vars, missingKey: 'error' },
  { template: '{{ .missing.x }}', data: vars, missingKey: 'error' },
  { template: '{{ .obj.a }}', data: vars, missingKey: 'error' },
  { template: '{{ .x }}', data: null, missingKey: 'error' },
  // error positions and names
  { template: 'line one\n  {{ .a.b }}', data: { a: 'x' }, name: 'patch' },
  { template: 'héllo {{ .a.b }}', data: { a: 'x' }, name: 'unicode' },
  { template: '{{ 3 | printf "%d %d" 4 }}\n{{ .x | index }}', data: { x: 1 } },
  { template: '{{ .a }}{{ end }}', name: 'n' },
  { template: '{{ .a }}\n\n{{ if }}', name: 'n' },
  { template: '{{ printf "%s" "a" 3 }} {{ print }}' },
  // function arity and argument typing
  { template: '{{ len }}' },
  { template: '{{ len 1 2 }}' },
  { template: '{{ "x" | len "y" }}' },
  { template: '{{ printf }}' },
  { template: '{{ printf "%s" | printf }}' },
];

const sd = {
  s: 'Hello World',
  n: 3,
  f: 2.5,
  l: ['b', 'a', 'c', 'a'],
  nl: [1, 2, 3],
  m: { a: 1, b: { c: 2 } },
  m2: { b: { d: 3 }, e: 4 },
  nil: null,
  e: '',
  semver: 'v1.21.1',
  json: '{"a":[1,2.5,"x"],"b":null}',
  paths: '/a/b/c.tar.gz',
};

/** sprig's hermetic functions. */
export const sprigCasesList: Case[] = [
  {
    template: '{{ upper .s }} {{ lower .s }} {{ title "hello wide-world" }} {{ untitle "Hello" }}',
    data: sd,
  },
  {
    template: '{{ trim "  x  " }} {{ trimAll "$" "$$x$" }} {{ trimPrefix "He" .s }} {{ trimSuffix "ld" .s }}',
    data: sd,
  },
  {
    template: '{{ trunc 5 .s }} {{ trunc -5 .s }} {{ trunc 50 .s }} {{ substr 0 5 .s }} {{ substr 6 -1 .s }}',
    data: sd,
  },
  { template: '{{ repeat 3 "ab" }} {{ nospace "a b  c" }} {{ initials "John Ronald Tolkien" }}' },
  { template: '{{ contains "World" .s }} {{ hasPrefix "He" .s }} {{ hasSuffix "x" .s }}', data: sd },
  { template: '{{ quote "a" 1 .nil "b\\"c" }} {{ squote "a" 2.5 }} {{ cat "a" 1 .nil "b" }}', data: sd },
  { template: '{{ indent 2 "a\\nb" }}|{{ nindent 4 "x" }}|{{ replace "o" "0" .s }}', data: sd },
  { template: '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}' },
  { template: '{{ sha1sum "x" }} {{ sha256sum "x" }} {{ adler32sum "hello" }}' },
  { template: '{{ sha512sum "x" }}' },
  { template: '{{ toString 1.5 }} {{ toString .nl }} {{ toString .nil }} {{ toString 3 }}', data: sd },
  {
    template:
      '{{ atoi "42" }} {{ atoi "x" }} {{ int "12" }} {{ int 2.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ int .n }}',
    data: sd,
  },
  {
    template:
      '{{ int "010" }} {{ int "1.0" }} {{ int "1.5" }} {{ int true }} {{ float64 "x" }} {{ int .nil }}',
    data: sd,
  },
  {
    template:
      '{{ typeOf (int 1) }} {{ typeOf (int64 1) }} {{ typeOf (add 1 2) }} {{ typeOf (addf 1 2) }} {{ typeOf 1 }} {{ typeOf .n }}',
    data: sd,
  },
  { template: '{{ seq 5 }} | {{ seq 2 4 }} | {{ seq 5 2 }} | {{ seq 0 2 10 }} | {{ seq 0 }}' },
  { template: '{{ until 3 }} {{ untilStep 0 10 3 }} {{ until -2 }} {{ typeOf (until 2) }}' },
  { template: '{{ toDecimal "0777" }} {{ toDecimal 8 }}' },
  { template: '{{ split "/" "a/b/c" }} {{ (split "/" "a/b/c")._1 }} {{ splitn "/" 2 "a/b/c" }}' },
  {
    template:
      '{{ splitList "," "a,b,,c" }} {{ typeOf (splitList "," "a") }} {{ join "-" .l }} {{ join "," .nl }}',
    data: sd,
  },
  {
    template: '{{ toStrings .nl }} {{ sortAlpha .l }} {{ sortAlpha "x" }} {{ join "," (list 1 .nil "a") }}',
    data: sd,
  },
  // math
  { template: '{{ add 1 2 3 }} {{ add1 5 }} {{ sub 10 3 }} {{ div 10 3 }} {{ mod 10 3 }} {{ mul 2 3 4 }}' },
  { template: '{{ add .n 1 }} {{ add .f 1 }} {{ add "3" 1 }} {{ sub .n .f }}', data: sd },
  { template: '{{ div 1 0 }}' },
  {
    template: '{{ max 1 5 3 }} {{ min 4 2 8 }} {{ biggest 1 9 }} {{ maxf 1.5 2.5 }} {{ minf 1.5 .f }}',
    data: sd,
  },
  { template: '{{ addf 1.1 2.2 }} {{ subf 5 1.5 }} {{ mulf 1.1 3 }} {{ divf 10 4 }} {{ add1f 1.5 }}' },
  {
    template:
      '{{ ceil 1.2 }} {{ floor 1.8 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ round 2.345 2 0.6 }}',
  },
  { template: '{{ eq (add 1 2) 3 }}' },
  { template: '{{ eq (add 1 2) (int64 3) }} {{ lt (add 1 1) (int64 3) }}' },
  { template: '{{ if eq .n 3 }}yes{{end}}', data: sd },
  { template: '{{ if eq (int .n) 3 }}yes{{end}}', data: sd },
  // defaults
  {
    template:
      '{{ default "d" .missing }} {{ default "d" .e }} {{ default "d" .s }} {{ .nil | default "x" }} {{ default "d" 0 }}',
    data: sd,
  },
  { template: '{{ empty .e }} {{ empty .nl }} {{ empty 0 }} {{ empty .m }} {{ empty .missing }}', data: sd },
  {
    template:
      '{{ coalesce .missing .e "c" }} {{ coalesce .e }} {{ all 1 "a" }} {{ all 1 "" }} {{ any 0 "" }} {{ any 0 1 }}',
    data: sd,
  },
  {
    template:
      '{{ compact (list 1 "" 0 .nil "a") }} {{ ternary "yes" "no" true }} {{ ternary "yes" "no" false }}',
    data: sd,
  },
  {
    template:
      '{{ toJson .m }} {{ toJson .nl }} {{ toJson "<a&b>" }} {{ toRawJson "<a&b>" }} {{ toJson .nil }} {{ toJson 1.5 }}',
    data: sd,
  },
  { template: '{{ toPrettyJson .m }}', data: sd },
  { template: '{{ toJson (dict "i" 1 "f" 2.5 "big" 1e21 "small" 0.0000001 "l" (list)) }}' },
  {
    template:
      '{{ fromJson .json }} {{ (fromJson .json).a }} {{ fromJson "bad" }} {{ typeOf (fromJson "1") }}',
    data: sd,
  },
  { template: '{{ mustFromJson "bad" }}' },
  { template: '{{ ternary 1 2 "x" }}' },
  // reflection
  {
    template:
      '{{ typeOf .s }} {{ typeOf .m }} {{ typeOf .nl }} {{ typeOf .nil }} {{ kindOf .m }} {{ kindOf .nl }} {{ kindOf 1 }} {{ kindOf .nil }}',
    data: sd,
  },
  {
    template:
      '{{ typeIs "string" .s }} {{ typeIsLike "string" .s }} {{ kindIs "map" .m }} {{ deepEqual .nl .nl }} {{ deepEqual (list 1) (list 1) }} {{ deepEqual 1 1.0 }}',
    data: sd,
  },
  // paths and encoding
  {
    template:
      '{{ base .paths }} {{ dir .paths }} {{ ext .paths }} {{ clean "/a/../b/./c/" }} {{ isAbs .paths }} {{ osBase "a/b" }}',
    data: sd,
  },
  {
    template:
      '{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ b64dec "!!" }} {{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }}',
  },
  // dicts
  { template: '{{ dict "a" 1 "b" "x" }} {{ dict "odd" }} {{ dict 1 2 }} {{ typeOf (dict) }}' },
  { template: '{{ get .m "a" }} {{ get .m "zz" }} {{ hasKey .m "a" }} {{ hasKey .m "z" }}', data: sd },
  { template: '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ unset $d "a" }} {{ keys $d }}' },
  { template: '{{ pluck "a" .m (dict "a" 5) (dict "b" 1) }} {{ sortAlpha (keys .m .m2) }}', data: sd },
  { template: '{{ pick .m "a" "zz" }} {{ omit .m "a" }} {{ values (dict "a" 1) }}', data: sd },
  { template: '{{ merge (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "c" 3 "b" (dict "y" 2)) }}' },
  { template: '{{ mergeOverwrite (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "c" 3 "b" (dict "y" 2)) }}' },
  { template: '{{ dig "b" "c" "def" .m }} {{ dig "b" "zz" "def" .m }} {{ dig "a" "def" .m }}', data: sd },
  { template: '{{ get .s "a" }}', data: sd },
  { template: '{{ hasKey .nil "a" }}', data: sd },
  // lists
  {
    template:
      '{{ list 1 "a" 2.5 }} {{ tuple }} {{ append .nl 4 }} {{ prepend .nl 0 }} {{ first .l }} {{ last .l }}',
    data: sd,
  },
  {
    template:
      '{{ rest .l }} {{ initial .l }} {{ reverse .l }} {{ uniq .l }} {{ without .l "a" }} {{ has "c" .l }} {{ has "z" .l }}',
    data: sd,
  },
  {
    template: '{{ slice .l 1 3 }} {{ slice .l 2 }} {{ slice .l }} {{ concat .l .nl }} {{ chunk 2 .nl }}',
    data: sd,
  },
  { template: '{{ first (list) }} {{ rest (list) }} {{ has 1 .nil }}', data: sd },
  { template: '{{ first .s }}', data: sd },
  { template: '{{ first .nil }}', data: sd },
  { template: '{{ mustFirst 3 }}' },
  { template: '{{ append "x" 1 }}' },
  { template: '{{ slice "abc" 1 }}' },
  { template: '{{ index (list 1 2) 1 }} {{ len (list 1 2) }} {{ len (dict "a" 1) }}' },
  {
    template:
      '{{ range $i, $e := until 3 }}{{ $i }}{{ $e }}{{ end }} {{ range splitList "," "x,y" }}{{ . }}{{ end }}',
  },
  { template: '{{ range $k, $v := split "," "x,y" }}{{ $k }}={{ $v }} {{ end }}' },
  // semver, fail, regex
  {
    template:
      '{{ semverCompare ">=1.20.0" .semver }} {{ semverCompare "~1.20" .semver }} {{ semverCompare "^1.0.0" "1.5.0" }}',
    data: sd,
  },
  { template: '{{ if semverCompare ">= 1.21.0-0" .semver }}new{{ else }}old{{ end }}', data: sd },
  // semverCompare reads the version as Masterminds' NewVersion: no spaces, leading zeros, errors
  { template: '{{ semverCompare ">=1" "x" }}' },
  { template: '{{ semverCompare ">=1" " 1.2.3" }}' },
  {
    template:
      '{{ semverCompare ">=1.2" "01.02.03" }} {{ semverCompare ">=1" "v1" }} {{ semverCompare "<2" "1.2.3+meta" }}',
  },
  { template: '{{ semverCompare ">=1" "1.2.3-01" }}' },
  { template: '{{ semverCompare ">=1" "99999999999999999999.0.0" }}' },
  // semver: *semver.Version and its methods
  {
    template: '{{ semver "v1.2" }} {{ semver "1" }} {{ semver "01.2.003-rc.1+b.2" }} {{ semver .semver }}',
    data: sd,
  },
  {
    template:
      '{{ $v := semver "v1.32.8-rc.0+build.1" }}{{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ $v.String }}',
  },
  {
    template:
      '{{ printf "%T %T %T" (semver "1.2.3") (semver "1.2.3").Major ((semver "1.2.3").Compare (semver "1.3")) }}',
  },
  { template: '{{ printf "%v|%s|%q" (semver "v1.2.3") (semver "v1.2.3") (semver "v1.2.3") }}' },
  {
    template:
      '{{ $a := semver "1.2.3" }}{{ $b := semver "v1.3" }}{{ $a.LessThan $b }} {{ $a.LessThanEqual $b }} {{ $a.GreaterThan $b }} {{ $a.GreaterThanEqual $b }} {{ $a.Equal $b }} {{ $a.Equal $a }} {{ $a.Equal (semver "1.2.3+x") }} {{ $a.Equal nil }} {{ $a.Compare $b }} {{ $b.Compare $a }}',
  },
  {
    template:
      '{{ $p := semver "1.2.3-alpha.10" }}{{ $p.Compare (semver "1.2.3-alpha.9") }} {{ $p.Compare (semver "1.2.3-alpha") }} {{ $p.Compare (semver "1.2.3-beta") }} {{ $p.Compare (semver "1.2.3") }} {{ $p.Compare (semver "1.2.3-alpha.10.1") }}',
  },
  {
    template:
      '{{ $v := semver "v1.2.3-rc.1+m" }}{{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ (semver "1.2.3").IncPatch }} {{ printf "%T" $v.IncMinor }} {{ $v.IncMinor.Major }} {{ $v.IncMinor.IncMinor }}',
  },
  {
    template:
      '{{ (semver "1.2.3").SetPrerelease "beta.1" }} {{ (semver "v1.2.3-a").SetMetadata "m.1" }} {{ (semver "1.2.3-a").SetPrerelease "" }}',
  },
  { template: '{{ (semver "1.2.3").SetPrerelease "01" }}' },
  { template: '{{ (semver "1.2.3").SetPrerelease "a_b" }}' },
  { template: '{{ (semver "1.2.3").SetMetadata "a+b" }}' },
  { template: '{{ (semver "1.2.3").IncMinor.Original }}' },
  { template: '{{ (semver "1.2.3").LessThan "1.3" }}' },
  { template: '{{ (semver "1.2.3").LessThan nil }}' },
  { template: '{{ (semver "1.2.3").Nope }}' },
  { template: '{{ semver "" }}' },
  { template: '{{ semver "1.2.3.4" }}' },
  { template: '{{ semver "1.2.3-01" }}' },
  { template: '{{ semver "18446744073709551616" }}' },
  {
    template:
      '{{ (semver "18446744073709551615").Major }} {{ (semver "1.2.3").Major | add 1 }} {{ semver "1.2.3" | toJson }}',
  },
  { template: '{{ if semver "1.0.0" }}set{{ end }} {{ eq (semver "1.2.3").Major (semver "1.9.0").Major }}' },
  { template: '{{ fail "boom" }}' },
  {
    template:
      '{{ regexMatch "^v[0-9]+" .semver }} {{ regexFind "[0-9]+" .semver }} {{ regexFindAll "[0-9]+" .semver -1 }} {{ regexFindAll "[0-9]+" .semver 2 }}',
    data: sd,
  },
  {
    template:
      '{{ regexReplaceAll "([a-z])([0-9])" "a1b2" "${2}$1" }} {{ regexReplaceAllLiteral "[0-9]" "a1b2" "$1" }} {{ regexSplit "[.]" .semver -1 }} {{ regexQuoteMeta "a.b*c" }}',
    data: sd,
  },
  { template: '{{ regexMatch "(" "x" }}' },
  { template: '{{ hello }}' },
  // typed-argument errors through sprig signatures
  { template: '{{ upper .n }}', data: sd },
  { template: '{{ upper .nil }}', data: sd },
  { template: '{{ upper .missing }}', data: sd },
  { template: '{{ .missing | upper }}', data: sd },
  { template: '{{ $x := .nil }}{{ upper $x }}', data: sd },
  { template: '{{ repeat 2.5 "x" }}' },
  { template: '{{ repeat .n "x" }}', data: sd },
  { template: '{{ repeat (int .n) "x" }}', data: sd },
  { template: '{{ trunc "3" "abc" }}' },
  { template: '{{ upper 3 }}' },
  { template: '{{ ternary 1 2 .s }}', data: sd },
  { template: '{{ upper }}' },
  { template: '{{ "x" | upper "y" }}' },
  { template: '{{ default }}' },
  { template: '{{ get .m }}', data: sd },
  { template: '{{ randInt 1 5 }}' },
  // shared implementations (src/render/functions/): literal replacement, Unicode, bytes
  { template: '{{ replace "a" "$&$1" "banana" }}|{{ replace "" "-" "ab" }}|{{ replace "é" "e" "été" }}' },
  { template: '{{ upper "straße ǆ ŉ" }}|{{ lower "ÀÉ İ Ǆ" }}|{{ title "ǆemal élan ß ǉ ǳ" }}' },
  { template: '{{ trim "\u00a0\u0085 x \u3000" | quote }}|{{ trim "\ufeffx" | quote }}' },
  { template: '{{ trunc 3 "héllo" }}|{{ trunc -3 "héllo" }}|{{ substr 1 3 "héllo" }}' },
  { template: '{{ substr 3 9 "abc" }}' },
  { template: '{{ splitList "" "héj" }} {{ splitn "," 2 "a,b,c" }} {{ split "" "ab" }}' },
  {
    template:
      '{{ toJson (merge (dict "a" "" "b" 1 "n" (dict "x" 1)) (dict "a" "A" "b" 2 "c" 3 "n" (dict "x" 2 "y" 3))) }}',
  },
  {
    template:
      '{{ toJson (mergeOverwrite (dict "a" "" "b" 1 "z" 5) (dict "a" "A" "b" 2 "z" 0)) }} {{ toJson (merge (dict) (dict "k" (list 1))) }}',
  },
  {
    template: '{{ toJson (dict "é" 1 "z" 2 "B" 3 "<&>" "<&>") }} {{ toRawJson (list "<&>" 1.5 (int64 3)) }}',
  },
  { template: '{{ toPrettyJson (dict "a" (list 1 (dict "b" nil)) "c" (dict)) }}' },
  { template: '{{ sortAlpha (list "b" "B" "é" "a" 1) }} {{ uniq (list 1 1 (int 1) "1" (int 1)) }}' },
  {
    template:
      '{{ has (int 1) (list 1 2) }} {{ has 1.0 (list 1.0) }} {{ without (list 1 (int 1) 2) (int 1) }}',
  },
  {
    template: '{{ add 9223372036854775807 1 }} {{ mul 4294967296 4294967296 }} {{ div -7 2 }} {{ mod -7 2 }}',
  },
  { template: '{{ addf 0.1 0.2 }} {{ mulf 1.1 3 }} {{ subf 1 0.9 }} {{ divf 1 3 }} {{ round 3.14159 2 }}' },
  { template: '{{ seq 3 }}|{{ seq 5 2 }}|{{ seq 1 2 6 }}|{{ until 3 }}|{{ untilStep 0 10 3 }}' },
  {
    template:
      '{{ regexReplaceAll "a*" "baaac" "X" }}|{{ regexReplaceAll "x*" "héllo" "-" }}|{{ regexReplaceAll "(a)" "ab" "$1x<$1>" }}|{{ regexReplaceAll "(?P<n>a)" "a" "${n}!$" }}|{{ regexReplaceAll "é" "éé" "$$" }}',
  },
  {
    template:
      '{{ fromJson "{" }}|{{ toJson (fromJson "{\\"__proto__\\": {\\"x\\": [1, 2.5e3]}}") }}|{{ (fromJson "[1,]") }}',
  },
  { template: '{{ mustFromJson "{\\"a\\" 1}" }}' },
  { template: '{{ mustFromJson "[1,]" }}' },
  { template: '{{ mustFromJson "1 2" }}' },
  { template: '{{ b64dec "aGk" }}|{{ b64dec "aG\nk=" }}|{{ b64dec "aGk=x" }}|{{ b64dec "=" }}' },
  { template: '{{ b64dec "a*Gk=" }}|{{ b32enc "hi" }}|{{ b32dec "NBUQ====" }}|{{ adler32sum "Wikipedia" }}' },
  {
    template:
      '{{ dig "a" "b" "def" (dict "a" (dict "b" 1)) }} {{ dig "a" "x" "def" (dict "a" (dict "b" 1)) }}',
  },
  { template: '{{ dig "a" "b" "def" (dict "a" "s") }}' },
  { template: '{{ chunk 2 (list 1 2 3) }} {{ chunk 2 list }} {{ len (chunk 3 (list)) }}' },
  { template: '{{ chunk 0 (list 1 2 3) }}' },
  { template: '{{ chunk -1 list }}' },
  {
    template:
      '{{ toJson (mergeOverwrite (dict "a" 1 "l" (list 1) "t" true) (dict "a" nil "l" (list) "t" false)) }} {{ toJson (merge (dict "a" 1) (dict "a" nil "b" nil)) }}',
  },
  {
    template:
      '{{ toJson (merge (dict "m" "s" "e" "" "l" (list 1)) (dict "m" (dict "x" 1) "e" (dict "x" 1) "l" (list 2))) }} {{ toJson (mergeOverwrite (dict "m" (dict "x" 1 "y" 2) "s" "x") (dict "m" (dict "x" 0 "z" nil) "s" (dict "k" 1))) }}',
  },
];
export const sprigCases: Case[] = sprigCasesList.filter((c) => !/randInt/.test(c.template));
