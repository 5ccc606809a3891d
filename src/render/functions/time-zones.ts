/**
 * Go's time.LoadLocation and time.Local, through the platform's time zone data (Intl): the
 * offset of a zone at an instant and its abbreviation. `Local` follows the TZ environment
 * variable, as Go's does. Abbreviations are what Intl knows (`UTC`, `PST`, ...); where Intl
 * knows none it gives `GMT+1` and Go, from the tz database, `CET`: a known difference.
 */

export interface Zone {
  /** The Location's name as Go prints it (`UTC`, `Local`, `Europe/Paris`). */
  readonly name: string;
  /** The IANA name to ask Intl, or undefined for UTC. */
  readonly iana?: string;
}

export const UTC: Zone = { name: 'UTC' };

/** time.Local: UTC when TZ is set to "" or "UTC", else the zone the platform resolves. */
export function localZone(): Zone {
  const tz = process.env.TZ;
  if (tz === '' || tz === 'UTC') return UTC;
  const iana = new Intl.DateTimeFormat('en-US').resolvedOptions().timeZone;
  return iana === 'UTC' || iana === 'Etc/UTC' ? { name: 'Local', iana: 'UTC' } : { name: 'Local', iana };
}

/** time.LoadLocation(name), or undefined where Go answers an error. */
export function loadLocation(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localZone();
  if (!/^[A-Za-z0-9_+\-/]+$/.test(name) || name.startsWith('/') || name.includes('..')) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return undefined;
  }
  return { name, iana: name };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(iana: string): Intl.DateTimeFormat {
  let f = formatters.get(iana);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
      era: 'short',
    });
    formatters.set(iana, f);
  }
  return f;
}

/** The zone's offset (seconds east of UTC) and abbreviation at Unix second `sec`. */
export function zoneAt(zone: Zone, sec: number): { offset: number; abbrev: string } {
  if (zone.iana === undefined) return { offset: 0, abbrev: 'UTC' };
  // Intl covers years 1..9999 well; outside, use the offset of a nearby instant.
  const ms = Math.min(Math.max(sec, -62135596800), 253402300799) * 1000;
  const parts = Object.fromEntries(
    formatter(zone.iana)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = Date.UTC(
    2000,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const wallDate = new Date(wall);
  wallDate.setUTCFullYear(year);
  const offset = Math.round((wallDate.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
  let name = parts.timeZoneName ?? '';
  if (name.startsWith('GMT') && name !== 'GMT') name = recentName(zone.iana, offset) ?? name;
  return { offset, abbrev: abbreviation(name, offset) };
}

/**
 * Intl names old instants `GMT-5` where the tz database says `EST`: the name the zone has
 * today for the same offset (January or July), if any.
 */
function recentName(iana: string, offset: number): string | undefined {
  for (const month of [0, 6]) {
    const ms = Date.UTC(2024, month, 1);
    const parts = Object.fromEntries(
      formatter(iana)
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    const wall = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    const name = parts.timeZoneName ?? '';
    if (Math.round((wall - ms) / 1000) === offset && !name.startsWith('GMT')) return name;
  }
  return undefined;
}

/** Intl's `GMT+5:30`-style names become Go's numeric abbreviations (`+0530`). */
function abbreviation(name: string, offset: number): string {
  if (!name.startsWith('GMT') || name === 'GMT') return name;
  const abs = Math.abs(offset);
  const h = String(Math.trunc(abs / 3600)).padStart(2, '0');
  const m = Math.trunc(abs / 60) % 60;
  return `${offset < 0 ? '-' : '+'}${h}${m ? String(m).padStart(2, '0') : ''}`;
}
