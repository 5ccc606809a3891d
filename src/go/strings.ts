/** Go `strings` / `unicode` behaviour needed by the functions (rune-based, byte offsets). */

/** unicode.IsSpace. */
export function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function trimRunes(s: string, drop: (c: number) => boolean, left: boolean, right: boolean): string {
  const runes = [...s];
  let i = 0;
  let j = runes.length;
  if (left) while (i < j && drop(runes[i].codePointAt(0)!)) i++;
  if (right) while (j > i && drop(runes[j - 1].codePointAt(0)!)) j--;
  return runes.slice(i, j).join('');
}

/** strings.Trim / TrimLeft / TrimRight with a cutset; an empty cutset trims nothing. */
export function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  if (s === '' || cutset === '') return s;
  const set = new Set([...cutset].map((c) => c.codePointAt(0)!));
  return trimRunes(s, (c) => set.has(c), left, right);
}

export function trimSpace(s: string, left: boolean, right: boolean): string {
  return trimRunes(s, isSpace, left, right);
}

/** strings.Replace(s, old, new, n): n < 0 = all; an empty `old` matches before every rune and at the end. */
export function goReplace(s: string, old: string, repl: string, n: number): string {
  if (old === repl || n === 0) return s;
  if (old === '') {
    const runes = [...s];
    const max = n < 0 ? runes.length + 1 : n;
    let out = '';
    let done = 0;
    for (let i = 0; i <= runes.length; i++) {
      if (done < max) {
        out += repl;
        done++;
      }
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  let out = '';
  let pos = 0;
  let done = 0;
  while (n < 0 || done < n) {
    const i = s.indexOf(old, pos);
    if (i < 0) break;
    out += s.slice(pos, i) + repl;
    pos = i + old.length;
    done++;
  }
  return out + s.slice(pos);
}

/** strings.Split(s, sep); an empty sep splits into runes. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return [...s];
  return s.split(sep);
}

function single(c: string, f: (x: string) => string): string {
  const r = f(c);
  return [...r].length === 1 ? r : c;
}

/** strings.ToUpper / ToLower with simple (one-rune) case mapping. */
export function goToUpper(s: string): string {
  let out = '';
  for (const c of s) out += single(c, (x) => x.toUpperCase());
  return out;
}

export function goToLower(s: string): string {
  let out = '';
  for (const c of s) out += single(c, (x) => x.toLowerCase());
  return out;
}

/** strings.EqualFold (simple folding). */
export function goEqualFold(a: string, b: string): boolean {
  const ra = [...a];
  const rb = [...b];
  if (ra.length !== rb.length) return false;
  const fold = (c: string): string =>
    single(
      single(c, (x) => x.toUpperCase()),
      (x) => x.toLowerCase(),
    );
  return ra.every((c, i) => c === rb[i] || fold(c) === fold(rb[i]));
}
