module clustermint.local/jsonpatch-ref

go 1.22

require github.com/evanphx/json-patch/v5 v5.9.11
