/**
 * k0rdent's template upgrade rule: a ClusterDeployment may move from one template to another only
 * when a ClusterTemplateChain of its namespace lists the move; the controller publishes the moves
 * in `status.availableUpgrades`. One reader of that list and one refusal text for every entry point.
 */

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Names in a ClusterDeployment's `status.availableUpgrades` (strings, or `{name}` entries). */
export function upgradesInStatus(status: unknown): string[] {
  const list = record(status).availableUpgrades;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) => {
    const name = typeof e === 'string' ? e : record(e).name;
    return typeof name === 'string' && name !== '' ? [name] : [];
  });
}

/** Why moving from template `from` to `to` is refused, or undefined when it is allowed. */
export function templateChangeError(
  from: string,
  to: string,
  upgrades: readonly string[],
): string | undefined {
  if (from === to || upgrades.includes(to)) return undefined;
  const listed = upgrades.length ? upgrades.join(', ') : 'none';
  return `cluster upgrade is forbidden: cannot upgrade from ${from} to ${to}: this upgrade sequence is not allowed (available upgrades: ${listed})`;
}
