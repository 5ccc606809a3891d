/** The namespace the platform team owns: the source of distributed objects, exempt from tenancy rules. */
export const SYSTEM_NAMESPACE = 'clustermint-system';
