/** What makes two findings the same: the first line without numbers and quoted names. */
export function signature(finding) {
  return finding
    .split('\n')[0]
    .replace(/(["'`]).*?\1/g, 'Q')
    .replace(/\d+/g, 'N')
    .slice(0, 200);
}
