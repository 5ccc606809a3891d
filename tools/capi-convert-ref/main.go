// Command capi-convert-ref converts Cluster API objects from v1beta1 to v1beta2 with Cluster API's
// own conversion functions (the ConvertTo hub conversions of sigs.k8s.io/cluster-api v1.13.6:
// api/core/v1beta1, api/controlplane/kubeadm/v1beta1, api/bootstrap/kubeadm/v1beta1). It is the
// bridge of the offline ClusterClass differential test
// (test/render/topology/clusterctl-differential.test.ts): clusterctl v1.10 reads and writes
// v1beta1, clustermint renders v1beta2.
//
// Input on stdin: YAML (or JSON) documents, separated by `---`. Output on stdout: a JSON array with
// one entry per non-empty input document, in order; with -yaml, YAML documents instead. A v1beta1
// object of a kind these packages convert is decoded into its Go type (unknown fields are an
// error unless -lenient is given: they would be dropped silently), converted with ConvertTo and
// encoded again; every other document is written back as it was read.
//
// Encoding a Go type writes a few zero values that are not part of the conversion: an empty
// `status` and `metadata.creationTimestamp: null` are left out of the output.
//
// Exit status: 0 on success, 1 when a document cannot be read or converted (the message names
// the document), 2 on bad flags. With -errors-inline, a document that cannot be converted is
// written as {"kind": "ConversionError", "error": "..."} in its place instead, and the others
// are still converted.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/conversion"
	"sigs.k8s.io/yaml"

	bootstrapv1beta1 "sigs.k8s.io/cluster-api/api/bootstrap/kubeadm/v1beta1"
	bootstrapv1 "sigs.k8s.io/cluster-api/api/bootstrap/kubeadm/v1beta2"
	controlplanev1beta1 "sigs.k8s.io/cluster-api/api/controlplane/kubeadm/v1beta1"
	controlplanev1 "sigs.k8s.io/cluster-api/api/controlplane/kubeadm/v1beta2"
	clusterv1beta1 "sigs.k8s.io/cluster-api/api/core/v1beta1"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
)

// spoke -> hub group versions.
var hubs = map[schema.GroupVersion]schema.GroupVersion{
	clusterv1beta1.GroupVersion:      clusterv1.GroupVersion,
	controlplanev1beta1.GroupVersion: controlplanev1.GroupVersion,
	bootstrapv1beta1.GroupVersion:    bootstrapv1.GroupVersion,
}

func newScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clusterv1beta1.AddToScheme, clusterv1.AddToScheme,
		controlplanev1beta1.AddToScheme, controlplanev1.AddToScheme,
		bootstrapv1beta1.AddToScheme, bootstrapv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

type converter struct {
	scheme       *runtime.Scheme
	lenient      bool
	errorsInline bool
}

// convert returns the document's JSON, converted to v1beta2 when it is a v1beta1 object of a
// kind the scheme knows.
func (c *converter) convert(doc []byte) (json.RawMessage, error) {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(doc, &meta); err != nil {
		return doc, nil //nolint:nilerr // not an object: written back as it was
	}
	gv, err := schema.ParseGroupVersion(meta.APIVersion)
	if err != nil {
		return doc, nil //nolint:nilerr // not a Kubernetes object: written back as it was
	}
	hubGV, ok := hubs[gv]
	if !ok || !c.scheme.Recognizes(gv.WithKind(meta.Kind)) {
		return doc, nil
	}
	spoke, err := c.scheme.New(gv.WithKind(meta.Kind))
	if err != nil {
		return nil, err
	}
	convertible, ok := spoke.(conversion.Convertible)
	if !ok {
		return doc, nil
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if !c.lenient {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(spoke); err != nil {
		return nil, fmt.Errorf("decoding %s %s: %w", meta.APIVersion, meta.Kind, err)
	}
	hubObj, err := c.scheme.New(hubGV.WithKind(meta.Kind))
	if err != nil {
		return nil, err
	}
	hub, ok := hubObj.(conversion.Hub)
	if !ok {
		return nil, fmt.Errorf("%s %s is not a conversion hub", hubGV, meta.Kind)
	}
	if err := convertible.ConvertTo(hub); err != nil {
		return nil, fmt.Errorf("converting %s %s: %w", meta.APIVersion, meta.Kind, err)
	}
	hubObj.GetObjectKind().SetGroupVersionKind(hubGV.WithKind(meta.Kind))
	out, err := json.Marshal(hubObj)
	if err != nil {
		return nil, err
	}
	return dropEncodingZeros(out)
}

// dropEncodingZeros removes what encoding a Go type adds by itself: an empty status and a null
// creationTimestamp.
func dropEncodingZeros(raw []byte) (json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	if s, ok := obj["status"]; ok && isEmptyObject(s) {
		delete(obj, "status")
	}
	if m, ok := obj["metadata"]; ok {
		var meta map[string]json.RawMessage
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, err
		}
		if ts, ok := meta["creationTimestamp"]; ok && string(ts) == "null" {
			delete(meta, "creationTimestamp")
		}
		b, err := json.Marshal(meta)
		if err != nil {
			return nil, err
		}
		obj["metadata"] = b
	}
	return json.Marshal(obj)
}

func isEmptyObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && len(m) == 0
}

func run(in io.Reader, out io.Writer, c *converter, asYAML bool) error {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	results := []json.RawMessage{}
	for n := 1; ; n++ {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		doc, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || string(bytes.TrimSpace(doc)) == "null" {
			n--
			continue
		}
		converted, err := c.convert(doc)
		if err != nil && c.errorsInline {
			converted, err = json.Marshal(map[string]string{"kind": "ConversionError", "error": err.Error()})
		}
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		results = append(results, converted)
	}
	if asYAML {
		for _, r := range results {
			y, err := yaml.JSONToYAML(r)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(out, "---\n%s", y); err != nil {
				return err
			}
		}
		return nil
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return enc.Encode(results)
}

func main() {
	lenient := flag.Bool("lenient", false, "drop unknown fields of converted objects instead of failing")
	asYAML := flag.Bool("yaml", false, "write YAML documents instead of a JSON array")
	errorsInline := flag.Bool("errors-inline", false, "write a document that cannot be converted as a ConversionError object and go on")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: capi-convert-ref [-lenient] [-errors-inline] [-yaml] < documents.yaml")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	s, err := newScheme()
	if err != nil {
		fmt.Fprintln(os.Stderr, "capi-convert-ref:", err)
		os.Exit(1)
	}
	c := &converter{scheme: s, lenient: *lenient, errorsInline: *errorsInline}
	w := bufio.NewWriter(os.Stdout)
	if err := run(os.Stdin, w, c, *asYAML); err != nil {
		fmt.Fprintln(os.Stderr, "capi-convert-ref:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "capi-convert-ref:", err)
		os.Exit(1)
	}
}
