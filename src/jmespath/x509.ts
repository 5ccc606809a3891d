/**
 * x509_decode: the JSON view of Go's *x509.Certificate / *x509.CertificateRequest (Go ≥ 1.22
 * field set) after kyverno's encode(): RSA keys only, the public key as {N, E}.
 * Parsed with our own DER reader (node's X509Certificate cannot read CSRs and hides raw fields).
 */

import type { JsonObject } from '../expression/values.js';
import { append } from '../util/append.js';
import {
  base64,
  bitString,
  boolean,
  children,
  DerError,
  expect,
  integer,
  oid,
  readTlv,
  SEQUENCE,
  SET,
  stringValue,
  type Tlv,
} from './der.js';
import { JpError } from './errors.js';

const O = (o: number[]) => o.join('.');

const SIG_ALGS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.3.14.3.2.29': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};
const PSS_HASH: Record<string, number> = {
  '2.16.840.1.101.3.4.2.1': 13,
  '2.16.840.1.101.3.4.2.2': 14,
  '2.16.840.1.101.3.4.2.3': 15,
};
const PK_ALGS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};
const EXT_KEY_USAGE: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

function signatureAlgorithm(alg: Tlv): number {
  const parts = children(alg);
  const id = O(oid(parts[0]));
  if (id === '1.2.840.113549.1.1.10') {
    try {
      const params = children(parts[1]);
      const hashAlg = params.find((p) => p.cls === 2 && p.tag === 0);
      const hash = hashAlg ? O(oid(children(children(hashAlg)[0])[0])) : '';
      return PSS_HASH[hash] ?? 0;
    } catch {
      return 0;
    }
  }
  return SIG_ALGS[id] ?? 0;
}

function nameValue(t: Tlv): unknown {
  const s = stringValue(t);
  if (s !== undefined) return s;
  if (t.cls === 0 && t.tag === 2) return Number(integer(t));
  if (t.cls === 0 && t.tag === 6) return oid(t);
  if (t.cls === 0 && t.tag === 1) return boolean(t);
  return null;
}

function parseName(t: Tlv): JsonObject {
  const name: Record<string, unknown> = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '',
    CommonName: '',
    Names: [] as unknown[],
    ExtraNames: null,
  };
  const lists: Record<number, string> = {
    6: 'Country',
    7: 'Locality',
    8: 'Province',
    9: 'StreetAddress',
    10: 'Organization',
    11: 'OrganizationalUnit',
    17: 'PostalCode',
  };
  for (const rdn of children(expect(t, 0, SEQUENCE))) {
    for (const atv of children(expect(rdn, 0, SET))) {
      const [typ, val] = children(atv);
      const type = oid(typ);
      const value = nameValue(val);
      (name.Names as unknown[]).push({ Type: type, Value: value });
      if (typeof value !== 'string') continue;
      if (type.length === 4 && type[0] === 2 && type[1] === 5 && type[2] === 4) {
        if (type[3] === 3) name.CommonName = value;
        else if (type[3] === 5) name.SerialNumber = value;
        else if (lists[type[3]]) {
          const k = lists[type[3]];
          name[k] = [...((name[k] as string[] | null) ?? []), value];
        }
      }
    }
  }
  if ((name.Names as unknown[]).length === 0) name.Names = null;
  return name;
}

function parseTime(t: Tlv): string {
  const s = Buffer.from(t.body).toString('latin1');
  const utc = t.tag === 23 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  const gen = t.tag === 24 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  const m = utc ?? gen;
  if (!m) throw new DerError('bad time');
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000;
  return `${String(year).padStart(4, '0')}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

function publicKey(spki: Tlv): { alg: number; key: JsonObject | null } {
  const [algId, keyBits] = children(spki);
  const alg = PK_ALGS[O(oid(children(algId)[0]))] ?? 0;
  if (alg !== 1) return { alg, key: null };
  const [n, e] = children(readTlv(bitString(keyBits).bytes)[0]);
  return { alg, key: { N: integer(n).toString(), E: Number(integer(e)) } };
}

function ipString(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
      return [...b.subarray(12)].join('.');
    const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16));
    // Go compresses the longest run (length ≥ 2) of zero groups.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j === i ? i + 1 : j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return `?${Buffer.from(b).toString('hex')}`;
}

/** Go's url.URL as encoding/json renders it. */
function urlObject(s: string): JsonObject {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(s);
  let scheme = '';
  let rest = s;
  if (m) {
    scheme = m[1].toLowerCase();
    rest = m[2];
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  let opaque = '';
  let path = rest;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    path = slash < 0 ? '' : rest.slice(slash);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
  } else if (scheme !== '' && !rest.startsWith('/')) {
    opaque = rest;
    path = '';
  }
  return {
    Scheme: scheme,
    Opaque: opaque,
    User: null,
    Host: host,
    Path: path,
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: query,
    Fragment: fragment,
    RawFragment: '',
  };
}

interface Names {
  DNSNames: string[] | null;
  EmailAddresses: string[] | null;
  IPAddresses: string[] | null;
  URIs: JsonObject[] | null;
}

function generalNames(seq: Tlv, out: Names): void {
  for (const gn of children(seq)) {
    if (gn.cls !== 2) continue;
    const text = Buffer.from(gn.body).toString('latin1');
    if (gn.tag === 1) out.EmailAddresses = [...(out.EmailAddresses ?? []), text];
    else if (gn.tag === 2) out.DNSNames = [...(out.DNSNames ?? []), text];
    else if (gn.tag === 6) out.URIs = [...(out.URIs ?? []), urlObject(text)];
    else if (gn.tag === 7) out.IPAddresses = [...(out.IPAddresses ?? []), ipString(gn.body)];
  }
}

function uriNames(seq: Tlv): string[] {
  return children(seq)
    .filter((gn) => gn.cls === 2 && gn.tag === 6)
    .map((gn) => Buffer.from(gn.body).toString('latin1'));
}

function parseExtension(t: Tlv): { id: number[]; critical: boolean; value: Uint8Array } {
  const parts = children(t);
  const id = oid(parts[0]);
  let critical = false;
  let i = 1;
  if (parts[i]?.tag === 1 && parts[i].cls === 0) critical = boolean(parts[i++]);
  const value = expect(parts[i], 0, 4).body;
  return { id, critical, value };
}

function certExtensions(exts: ReturnType<typeof parseExtension>[], cert: JsonObject): void {
  const names: Names = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  const unhandled: number[][] = [];
  for (const e of exts) {
    const id = O(e.id);
    const [v] = readTlv(e.value);
    let handled = true;
    switch (id) {
      case '2.5.29.15': {
        const bits = bitString(v);
        let usage = 0;
        for (let i = 0; i < 9; i++) {
          if (i < bits.bitLength && (bits.bytes[i >> 3] >> (7 - (i & 7))) & 1) usage |= 1 << i;
        }
        cert.KeyUsage = usage;
        break;
      }
      case '2.5.29.19': {
        const parts = children(v);
        let isCA = false;
        let maxPathLen = -1;
        for (const p of parts) {
          if (p.tag === 1) isCA = boolean(p);
          else if (p.tag === 2) maxPathLen = Number(integer(p));
        }
        cert.IsCA = isCA;
        cert.MaxPathLen = maxPathLen;
        cert.BasicConstraintsValid = true;
        cert.MaxPathLenZero = maxPathLen === 0;
        break;
      }
      case '2.5.29.17': {
        const before = JSON.stringify(names);
        generalNames(v, names);
        if (JSON.stringify(names) === before) handled = false;
        break;
      }
      case '2.5.29.14':
        cert.SubjectKeyId = base64(v.body);
        break;
      case '2.5.29.35': {
        const keyId = children(v).find((p) => p.cls === 2 && p.tag === 0);
        if (keyId) cert.AuthorityKeyId = base64(keyId.body);
        break;
      }
      case '2.5.29.37': {
        const known: number[] = [];
        const unknown: number[][] = [];
        for (const o of children(v)) {
          const k = EXT_KEY_USAGE[O(oid(o))];
          if (k === undefined) unknown.push(oid(o));
          else known.push(k);
        }
        cert.ExtKeyUsage = known.length ? known : null;
        cert.UnknownExtKeyUsage = unknown.length ? unknown : null;
        break;
      }
      case '2.5.29.31': {
        const urls: string[] = [];
        for (const dp of children(v)) {
          const name = children(dp).find((p) => p.cls === 2 && p.tag === 0);
          const full = name && children(name).find((p) => p.cls === 2 && p.tag === 0);
          if (full) append(urls, uriNames(full));
        }
        cert.CRLDistributionPoints = urls.length ? urls : null;
        break;
      }
      case '2.5.29.32': {
        const ids = children(v).map((pi) => oid(children(pi)[0]));
        cert.PolicyIdentifiers = ids.length ? ids : null;
        cert.Policies = ids.length ? ids.map(O) : null;
        break;
      }
      case '2.5.29.30': {
        for (const sub of children(v)) {
          const prefix = sub.tag === 0 ? 'Permitted' : 'Excluded';
          for (const subtree of children(sub)) {
            const [base] = children(subtree);
            const text = Buffer.from(base.body).toString('latin1');
            const add = (k: string, val: unknown) => {
              cert[k] = [...((cert[k] as unknown[] | null) ?? []), val];
            };
            if (base.tag === 2) add(`${prefix}DNSDomains`, text);
            else if (base.tag === 1) add(`${prefix}EmailAddresses`, text);
            else if (base.tag === 6) add(`${prefix}URIDomains`, text);
            else if (base.tag === 7) {
              const half = base.body.length / 2;
              add(`${prefix}IPRanges`, {
                IP: ipString(base.body.subarray(0, half)),
                Mask: base64(base.body.subarray(half)),
              });
            }
          }
        }
        cert.PermittedDNSDomainsCritical = e.critical;
        break;
      }
      case '1.3.6.1.5.5.7.1.1': {
        for (const ad of children(v)) {
          const [method, location] = children(ad);
          if (location.cls !== 2 || location.tag !== 6) continue;
          const url = Buffer.from(location.body).toString('latin1');
          const m = O(oid(method));
          if (m === '1.3.6.1.5.5.7.48.1')
            cert.OCSPServer = [...((cert.OCSPServer as string[] | null) ?? []), url];
          else if (m === '1.3.6.1.5.5.7.48.2') {
            cert.IssuingCertificateURL = [...((cert.IssuingCertificateURL as string[] | null) ?? []), url];
          }
        }
        break;
      }
      default:
        handled = false;
    }
    if (e.critical && !handled) unhandled.push(e.id);
  }
  Object.assign(cert, names);
  cert.UnhandledCriticalExtensions = unhandled.length ? unhandled : null;
}

function extensionsJson(exts: ReturnType<typeof parseExtension>[]): JsonObject[] | null {
  return exts.length ? exts.map((e) => ({ Id: e.id, Critical: e.critical, Value: base64(e.value) })) : null;
}

function decodeCertificate(der: Uint8Array): JsonObject {
  const [certTlv] = readTlv(der);
  const [tbs, sigAlg, sigBits] = children(expect(certTlv, 0, SEQUENCE));
  const fields = children(expect(tbs, 0, SEQUENCE));
  let i = 0;
  let version = 0;
  if (fields[0].cls === 2 && fields[0].tag === 0) {
    version = Number(integer(children(fields[0])[0]));
    i++;
  }
  if (version < 0 || version > 2) throw new JpError('x509: invalid version');
  const serial = integer(fields[i++]);
  i++; // signature algorithm inside TBS
  const issuer = fields[i++];
  const validity = children(fields[i++]);
  const subject = fields[i++];
  const spki = fields[i++];
  let exts: ReturnType<typeof parseExtension>[] = [];
  for (; i < fields.length; i++) {
    if (fields[i].cls === 2 && fields[i].tag === 3)
      exts = children(children(fields[i])[0]).map(parseExtension);
  }
  const pk = publicKey(spki);
  const cert: JsonObject = {
    Raw: base64(certTlv.full),
    RawTBSCertificate: base64(tbs.full),
    RawSubjectPublicKeyInfo: base64(spki.full),
    RawSubject: base64(subject.full),
    RawIssuer: base64(issuer.full),
    Signature: base64(bitString(sigBits).bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlg),
    PublicKeyAlgorithm: pk.alg,
    PublicKey: pk.key,
    Version: version + 1,
    SerialNumber: Number(serial),
    Issuer: parseName(issuer),
    Subject: parseName(subject),
    NotBefore: parseTime(validity[0]),
    NotAfter: parseTime(validity[1]),
    KeyUsage: 0,
    Extensions: extensionsJson(exts),
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
  };
  certExtensions(exts, cert);
  return cert;
}

function decodeRequest(der: Uint8Array): JsonObject {
  const [csrTlv] = readTlv(der);
  const [info, sigAlg, sigBits] = children(expect(csrTlv, 0, SEQUENCE));
  const [version, subject, spki, attrs] = children(expect(info, 0, SEQUENCE));
  const pk = publicKey(spki);
  let exts: ReturnType<typeof parseExtension>[] = [];
  const attributes: JsonObject[] = [];
  if (attrs && attrs.cls === 2 && attrs.tag === 0) {
    for (const attr of children(attrs)) {
      const [type, values] = children(attr);
      const id = oid(type);
      if (O(id) === '1.2.840.113549.1.9.14') {
        exts = children(children(values)[0]).map(parseExtension);
      }
      try {
        const value = children(values).map((seq) =>
          children(seq).map((atv) => {
            const parts = children(atv);
            if (parts.length !== 2) throw new DerError('trailing data');
            const [t, v] = parts;
            return { Type: oid(t), Value: v.cls === 0 && v.tag === 4 ? base64(v.body) : nameValue(v) };
          }),
        );
        attributes.push({ Type: id, Value: value });
      } catch {
        // Go skips attributes that do not unmarshal as AttributeTypeAndValueSET
      }
    }
  }
  const names: Names = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  for (const e of exts) if (O(e.id) === '2.5.29.17') generalNames(readTlv(e.value)[0], names);
  return {
    Raw: base64(csrTlv.full),
    RawTBSCertificateRequest: base64(info.full),
    RawSubjectPublicKeyInfo: base64(spki.full),
    RawSubject: base64(subject.full),
    Version: Number(integer(version)),
    Signature: base64(bitString(sigBits).bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlg),
    PublicKeyAlgorithm: pk.alg,
    PublicKey: pk.key,
    Subject: parseName(subject),
    Attributes: attributes.length ? attributes : null,
    Extensions: extensionsJson(exts),
    ExtraExtensions: null,
    ...names,
  };
}

/** pem.Decode: the first well-formed block. */
function pemDecode(text: string): { type: string; bytes: Uint8Array } | undefined {
  const re = /(?:^|\n)-----BEGIN ([^\n-]*)-----[ \t]*\r?\n([\s\S]*?)\n-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]
      .split(/\r?\n/)
      .filter((l) => !/^[\w-]+: /.test(l))
      .join('')
      .replace(/[ \t\r]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) continue;
    return { type: m[1], bytes: Buffer.from(body, 'base64') };
  }
  return undefined;
}

export function x509Decode(input: string): JsonObject {
  const block = pemDecode(input);
  if (!block) throw new JpError('failed to decode PEM block');
  if (block.type !== 'CERTIFICATE' && block.type !== 'CERTIFICATE REQUEST') {
    throw new JpError('PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST');
  }
  const isCert = block.type === 'CERTIFICATE';
  let out: JsonObject;
  try {
    out = isCert ? decodeCertificate(block.bytes) : decodeRequest(block.bytes);
  } catch (e) {
    if (e instanceof JpError) throw e;
    throw new JpError(isCert ? 'x509: malformed certificate' : "asn1: structure error: tags don't match");
  }
  if (out.PublicKeyAlgorithm !== 1) throw new JpError('certificate should use rsa algorithm');
  return out;
}
