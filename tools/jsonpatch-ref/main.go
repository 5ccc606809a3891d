// Command jsonpatch-ref is the reference oracle for clustermint's JSON Patch applier
// (test/topology/json-patch-differential.test.ts). It reads a JSON array of cases
// [{"doc": <json>, "patch": [<operation>...]}] on stdin and writes a JSON array of results
// [{"doc": <json>} | {"error": "..."}] on stdout, one per case, in order. Each case runs
// jsonpatch.DecodePatch on the patch and patch.Apply on the document, with the library's
// default options, as Cluster API's topology patch engine does.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

type testCase struct {
	Doc   json.RawMessage `json:"doc"`
	Patch json.RawMessage `json:"patch"`
}

type result struct {
	Doc   json.RawMessage `json:"doc,omitempty"`
	Error *string         `json:"error,omitempty"`
}

func run(c testCase) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	patch, err := jsonpatch.DecodePatch(c.Patch)
	if err != nil {
		return nil, err
	}
	return patch.Apply(c.Doc)
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "jsonpatch-ref: bad input:", err)
		os.Exit(2)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		out, err := run(c)
		if err != nil {
			msg := err.Error()
			results[i].Error = &msg
		} else {
			results[i].Doc = out
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "jsonpatch-ref:", err)
		os.Exit(1)
	}
}
