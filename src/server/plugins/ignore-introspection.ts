// Depth measures what a query asks of the data: introspection fields (__schema,
// __type, __typename) and everything under them are left out, as the standard
// introspection query is deep by nature. Aliases and complexity do count them
// (use-max-aliases.ts, use-complexity-limit.ts): width is what costs.
import { Kind, TypeInfo, ValidationContext, visit, type ASTVisitor, type ValidationRule } from 'graphql';

/** Runs `rule` on the document without its introspection fields (on the document itself when it has none). */
export function ignoringIntrospection(rule: ValidationRule): ValidationRule {
  return (context) => {
    const document = context.getDocument();
    const measured = visit(document, {
      [Kind.FIELD]: (field) => (field.name.value.startsWith('__') ? null : undefined),
    });
    if (measured === document) return rule(context);
    const schema = context.getSchema();
    const inner = new ValidationContext(schema, measured, new TypeInfo(schema), (error) => context.reportError(error));
    visit(measured, rule(inner));
    return {} satisfies ASTVisitor;
  };
}
