// Command gotemplate-ref is the reference oracle for clustermint's Go text/template engine
// (test/gotemplate/differential.test.ts). It reads a JSON array of cases
// [{"template": "...", "data": <json>, "name"?: "...", "missingKey"?: "default|zero|error"}]
// on stdin and writes a JSON array of results [{"output": "..."} | {"error": "..."}] on stdout,
// one per case, in order. Templates run with text/template and sprig.HermeticTxtFuncMap();
// data is JSON-decoded into interface{} (numbers become float64), as Cluster API does.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

type testCase struct {
	Template   string          `json:"template"`
	Data       json.RawMessage `json:"data"`
	Name       string          `json:"name"`
	MissingKey string          `json:"missingKey"`
}

type result struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

const maxOutput = 1 << 20

// limitedWriter stops a runaway template (the generated corpus can loop for a long time).
type limitedWriter struct{ b strings.Builder }

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > maxOutput {
		return 0, fmt.Errorf("output limit exceeded")
	}
	return w.b.Write(p)
}

func run(c testCase) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	name := c.Name
	if name == "" {
		name = "tpl"
	}
	t := template.New(name).Funcs(sprig.HermeticTxtFuncMap())
	if c.MissingKey != "" {
		t = t.Option("missingkey=" + c.MissingKey)
	}
	t, err = t.Parse(c.Template)
	if err != nil {
		return "", err
	}
	var data interface{}
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			return "", fmt.Errorf("bad data: %w", err)
		}
	}
	var w limitedWriter
	if err := t.Execute(&w, data); err != nil {
		return "", err
	}
	return w.b.String(), nil
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "gotemplate-ref: bad input:", err)
		os.Exit(2)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		out, err := run(c)
		if err != nil {
			msg := err.Error()
			results[i].Error = &msg
		} else {
			results[i].Output = &out
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "gotemplate-ref:", err)
		os.Exit(1)
	}
}
