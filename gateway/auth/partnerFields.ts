import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { rootFieldNodes } from '../../runtime/rootFields';

/** The only operation field a partner may ask for. */
export const PARTNER_FIELDS = new Set(['verifyResidenceCard']);

/** The root fields an operation asks for (aliases each count, `__typename` is free): what a partner is charged for. */
export function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  return rootFieldNodes(document, operation)
    .map((field) => field.name.value)
    .filter((f) => f !== '__typename');
}
