/**
 * Handlebars decorators (`{{*name}}`, `{{#*name}}...{{/name}}`) in chart templates: only
 * `inline` (inline partials) exists. Handlebars runs a program's decorators when it sets the
 * program up, before any helper of the chart runs, so an unknown one would fail there with no
 * position; it is found in the parsed template instead.
 */
export interface DecoratorUse {
  name: string;
  line: number;
  /** 1-based. */
  col: number;
}

const SUPPORTED = new Set(['inline']);

/** The first decorator in `program` other than `inline`, in source order. */
export function unsupportedDecorator(program: hbs.AST.Program): DecoratorUse | undefined {
  for (const node of program.body) {
    const found = inStatement(node);
    if (found) return found;
  }
  return undefined;
}

function inStatement(node: hbs.AST.Statement): DecoratorUse | undefined {
  const n = node as hbs.AST.Statement & {
    path?: hbs.AST.PathExpression | hbs.AST.Literal;
    program?: hbs.AST.Program;
    inverse?: hbs.AST.Program;
  };
  if (n.type === 'Decorator' || n.type === 'DecoratorBlock') {
    const name = n.path && 'original' in n.path ? String(n.path.original) : '';
    if (!SUPPORTED.has(name)) return { name, line: n.loc.start.line, col: n.loc.start.column + 1 };
  }
  return (
    (n.program ? unsupportedDecorator(n.program) : undefined) ??
    (n.inverse ? unsupportedDecorator(n.inverse) : undefined)
  );
}
