#!/usr/bin/env bash
# Self-signed bootstrap for the admission webhook's TLS, for clusters without cert-manager:
# makes a CA and a serving certificate for clustermint-webhook.clustermint-system.svc, stores
# them in the Secret clustermint-webhook-tls, and puts the CA into the webhook configurations'
# caBundle. Needs openssl and kubectl. Re-run it to rotate (the webhook reloads its files).
set -euo pipefail
ns=${NAMESPACE:-clustermint-system}
svc=clustermint-webhook
days=${DAYS:-365}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=clustermint-webhook-ca" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$svc.$ns.svc" \
  -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.%s,DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
  "$svc" "$svc" "$ns" "$svc" "$ns" "$svc" "$ns" >"$dir/ext.cnf"
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
  -days "$days" -extfile "$dir/ext.cnf" -out "$dir/tls.crt" 2>/dev/null

kubectl -n "$ns" create secret tls clustermint-webhook-tls --cert="$dir/tls.crt" --key="$dir/tls.key" \
  --dry-run=client -o yaml | kubectl apply -f -
bundle=$(base64 <"$dir/ca.crt" | tr -d '\n')
for kind in validatingwebhookconfiguration mutatingwebhookconfiguration; do
  for name in $(kubectl get "$kind" -l app.kubernetes.io/part-of=clustermint -o name); do
    count=$(kubectl get "$name" -o jsonpath='{range .webhooks[*]}x{end}' | wc -c)
    for i in $(seq 0 $((count - 1))); do
      kubectl patch "$name" --type=json \
        -p "[{\"op\":\"replace\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$bundle\"}]" >/dev/null
    done
    echo "caBundle set on $name"
  done
done
