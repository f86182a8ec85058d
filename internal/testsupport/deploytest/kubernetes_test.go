package deploytest

import (
	"bytes"
	"fmt"
	"net"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

const k8sDir = "deploy/kubernetes"

// manifests are the objects of deploy/kubernetes, strictly decoded.
type manifests struct {
	deployments  map[string]*appsv1.Deployment
	services     map[string]*corev1.Service
	configMaps   map[string]*corev1.ConfigMap
	secrets      map[string]*corev1.Secret
	pdbs         map[string]*policyv1.PodDisruptionBudget
	hpas         map[string]*autoscalingv2.HorizontalPodAutoscaler
	kustomized   map[string]bool // files listed in kustomization.yaml
	fileOfObject map[string]string
}

func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{
		deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		pdbs: map[string]*policyv1.PodDisruptionBudget{}, hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		kustomized: map[string]bool{}, fileOfObject: map[string]string{},
	}
	files, _ := filepath.Glob(filepath.Join(repoPath(k8sDir), "*.yaml"))
	sort.Strings(files)
	for _, f := range files {
		name := filepath.Base(f)
		rel := k8sDir + "/" + name
		if name == "kustomization.yaml" {
			var k struct {
				APIVersion string   `yaml:"apiVersion"`
				Kind       string   `yaml:"kind"`
				Resources  []string `yaml:"resources"`
			}
			dec := yaml.NewDecoder(strings.NewReader(readFile(t, rel)))
			dec.KnownFields(true)
			if err := dec.Decode(&k); err != nil || k.Kind != "Kustomization" {
				t.Fatalf("%s: %v (kind %q)", rel, err, k.Kind)
			}
			for _, r := range k.Resources {
				mustExist(t, rel, k8sDir+"/"+r)
				m.kustomized[r] = true
			}
			continue
		}
		for i, doc := range strings.Split(readFile(t, rel), "\n---\n") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			where := fmt.Sprintf("%s (document %d)", rel, i+1)
			var tm metav1.TypeMeta
			if err := sigsyaml.Unmarshal([]byte(doc), &tm); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			var obj interface{ GetName() string }
			switch tm.APIVersion + " " + tm.Kind {
			case "apps/v1 Deployment":
				o := &appsv1.Deployment{}
				obj, m.deployments[name2(t, where, doc)] = o, o
			case "v1 Service":
				o := &corev1.Service{}
				obj, m.services[name2(t, where, doc)] = o, o
			case "v1 ConfigMap":
				o := &corev1.ConfigMap{}
				obj, m.configMaps[name2(t, where, doc)] = o, o
			case "v1 Secret":
				o := &corev1.Secret{}
				obj, m.secrets[name2(t, where, doc)] = o, o
			case "policy/v1 PodDisruptionBudget":
				o := &policyv1.PodDisruptionBudget{}
				obj, m.pdbs[name2(t, where, doc)] = o, o
			case "autoscaling/v2 HorizontalPodAutoscaler":
				o := &autoscalingv2.HorizontalPodAutoscaler{}
				obj, m.hpas[name2(t, where, doc)] = o, o
			default:
				t.Fatalf("%s: unexpected %s %s", where, tm.APIVersion, tm.Kind)
			}
			// Strict: an unknown or misspelt field, or a duplicate, is an error.
			if err := sigsyaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			m.fileOfObject[tm.Kind+"/"+obj.GetName()] = name
		}
	}
	return m
}

// name2 reads metadata.name before the strict decoding.
func name2(t *testing.T, where, doc string) string {
	t.Helper()
	var o struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := sigsyaml.Unmarshal([]byte(doc), &o); err != nil || o.Metadata.Name == "" {
		t.Fatalf("%s: no metadata.name (%v)", where, err)
	}
	return o.Metadata.Name
}

func selects(t *testing.T, where string, sel *metav1.LabelSelector, podLabels map[string]string) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	if s.Empty() || !s.Matches(labels.Set(podLabels)) {
		t.Errorf("%s: selector %q does not select the pods (labels %v)", where, s, podLabels)
	}
}

func TestKubernetesManifests(t *testing.T) {
	m := loadManifests(t)
	dep := m.deployments["sqlscim"]
	if dep == nil {
		t.Fatal("no Deployment sqlscim")
	}
	pod := dep.Spec.Template
	podLabels := pod.Labels

	// Every object is applied by kustomize, except the Secrets (created from files).
	for obj, file := range m.fileOfObject {
		if strings.HasPrefix(obj, "Secret/") == m.kustomized[file] {
			t.Errorf("%s (%s): kustomization.yaml must list every file but the Secrets'", obj, file)
		}
	}

	// Labels and selectors.
	selects(t, "Deployment sqlscim", dep.Spec.Selector, podLabels)
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 2 {
		t.Errorf("Deployment sqlscim: replicas %v, want 2", dep.Spec.Replicas)
	}
	svc := m.services["sqlscim"]
	if svc == nil {
		t.Fatal("no Service sqlscim")
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(podLabels)) || len(svc.Spec.Selector) == 0 {
		t.Errorf("Service sqlscim: selector %v does not select the pods (%v)", svc.Spec.Selector, podLabels)
	}
	if svc.Spec.SessionAffinity != corev1.ServiceAffinityClientIP {
		t.Errorf("Service sqlscim: sessionAffinity %q, want ClientIP (README.md, Replicas)", svc.Spec.SessionAffinity)
	}
	pdb := m.pdbs["sqlscim"]
	if pdb == nil {
		t.Fatal("no PodDisruptionBudget sqlscim")
	}
	selects(t, "PodDisruptionBudget sqlscim", pdb.Spec.Selector, podLabels)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 || pdb.Spec.MinAvailable.IntValue() >= int(*dep.Spec.Replicas) {
		t.Errorf("PodDisruptionBudget sqlscim: minAvailable %v must be at least 1 and below the replicas", pdb.Spec.MinAvailable)
	}
	hpa := m.hpas["sqlscim"]
	if hpa == nil {
		t.Fatal("no HorizontalPodAutoscaler sqlscim")
	}
	if ref := hpa.Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != dep.Name || ref.APIVersion != "apps/v1" {
		t.Errorf("HorizontalPodAutoscaler sqlscim: scaleTargetRef %+v is not the Deployment", ref)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != *dep.Spec.Replicas || hpa.Spec.MaxReplicas <= *hpa.Spec.MinReplicas {
		t.Errorf("HorizontalPodAutoscaler sqlscim: replicas %v..%d; want from the Deployment's %d up", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, *dep.Spec.Replicas)
	}
	cpuMetric := false
	for _, mt := range hpa.Spec.Metrics {
		cpuMetric = cpuMetric || (mt.Type == autoscalingv2.ResourceMetricSourceType && mt.Resource != nil && mt.Resource.Name == corev1.ResourceCPU)
	}
	if !cpuMetric {
		t.Error("HorizontalPodAutoscaler sqlscim: no CPU metric")
	}

	// The pod.
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("Deployment sqlscim: %d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	where := "Deployment sqlscim, container " + c.Name
	psc := pod.Spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 || psc.FSGroup == nil {
		t.Errorf("%s: the pod must run as a non-root user with an fsGroup", where)
	}
	for _, ctr := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), c) {
		sc := ctr.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.Capabilities == nil || len(sc.Capabilities.Drop) == 0 {
			t.Errorf("container %s: want allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities dropped", ctr.Name)
		}
	}

	// Ports and probes.
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["scim"] != 1443 || ports["admin"] == 0 {
		t.Errorf("%s: ports %v; want scim 1443 and admin", where, ports)
	}
	probe := func(name string, p *corev1.Probe, wantPath string) {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s: no HTTP %s probe", where, name)
			return
		}
		port := p.HTTPGet.Port
		if port.Type == intstr.String && ports[port.StrVal] == 0 {
			t.Errorf("%s: %s probe: no container port named %q", where, name, port.StrVal)
		}
		if (port.Type == intstr.String && ports[port.StrVal] != ports["admin"]) || (port.Type == intstr.Int && port.IntVal != ports["admin"]) {
			t.Errorf("%s: %s probe on port %s; want the admin port (the SCIM port needs the token)", where, name, port.String())
		}
		if p.HTTPGet.Path != wantPath || (p.HTTPGet.Scheme != "" && p.HTTPGet.Scheme != corev1.URISchemeHTTP) {
			t.Errorf("%s: %s probe %s %s; want HTTP %s", where, name, p.HTTPGet.Scheme, p.HTTPGet.Path, wantPath)
		}
	}
	probe("readiness", c.ReadinessProbe, "/readyz")
	probe("liveness", c.LivenessProbe, "/healthz")
	if c.StartupProbe != nil {
		probe("startup", c.StartupProbe, "/healthz")
	}
	for _, sp := range svc.Spec.Ports {
		if sp.TargetPort.Type == intstr.String && ports[sp.TargetPort.StrVal] == 0 {
			t.Errorf("Service sqlscim: targetPort %q is no container port", sp.TargetPort.StrVal)
		}
		if sp.Port != 1443 || (sp.TargetPort.Type == intstr.String && ports[sp.TargetPort.StrVal] != 1443) {
			t.Errorf("Service sqlscim: port %d → %s; want 1443 → the SCIM port", sp.Port, sp.TargetPort.String())
		}
	}

	// The command line: flags the binary knows, the admin endpoints on the
	// pod's address at the admin port.
	if len(c.Command) != 0 {
		t.Errorf("%s: command %v replaces the image's entrypoint; give args only", where, c.Command)
	}
	checkCommandLine(t, where+" args", c.Args)
	arg := func(name string) string {
		for i, a := range c.Args {
			if a == name && i+1 < len(c.Args) {
				return c.Args[i+1]
			}
			if v, ok := strings.CutPrefix(a, name+"="); ok {
				return v
			}
		}
		return ""
	}
	if host, port, err := net.SplitHostPort(arg("--admin-address")); err != nil || (host != "" && host != "0.0.0.0" && host != "::") || port != fmt.Sprint(ports["admin"]) {
		t.Errorf("%s: --admin-address %q; want 0.0.0.0:%d (the kubelet probes the pod's address)", where, arg("--admin-address"), ports["admin"])
	}

	// Resources: small requests, a CPU request for the HPA, a memory limit.
	req, lim := c.Resources.Requests, c.Resources.Limits
	if req.Cpu().IsZero() {
		t.Errorf("%s: no CPU request; the HPA's utilisation is relative to it", where)
	}
	if mem := req.Memory(); mem.Cmp(resource.MustParse("32Mi")) < 0 || mem.Cmp(resource.MustParse("128Mi")) > 0 {
		t.Errorf("%s: memory request %s; want 32Mi to 128Mi (about 20 MB idle, 50 MB serving)", where, mem)
	}
	if mem := lim.Memory(); mem.Cmp(resource.MustParse("256Mi")) != 0 {
		t.Errorf("%s: memory limit %s, want 256Mi", where, mem)
	}

	// Volumes: every mount names a volume, every volume names an object here.
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		volumes[v.Name] = v
	}
	mountOf := map[string]string{} // volume → mount path in the sqlscim container
	for _, ctr := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), c) {
		for _, vm := range ctr.VolumeMounts {
			if _, ok := volumes[vm.Name]; !ok {
				t.Errorf("container %s mounts the volume %s, which the pod does not have", ctr.Name, vm.Name)
			}
			if ctr.Name == c.Name {
				mountOf[vm.Name] = vm.MountPath
			}
		}
	}
	keys := documentedKeys(t)
	env := map[string]string{}
	for _, e := range c.Env {
		checkEnvName(t, where, e.Name, keys)
		env[e.Name] = e.Value
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			ref := e.ValueFrom.SecretKeyRef
			if s := m.secrets[ref.Name]; s == nil || !secretHasKey(s, ref.Key) {
				t.Errorf("%s: env %s refers to Secret %s key %s, which secret.yaml does not have", where, e.Name, ref.Name, ref.Key)
			}
			env[e.Name] = "from-secret"
		}
	}

	// Credentials: the Secret's items are the files sqlscim reads in its data
	// directory, copied there by the init container.
	dataDir := arg("--data-dir")
	if mountOf["data"] != dataDir || volumes["data"].EmptyDir == nil {
		t.Errorf("%s: --data-dir %s is not the emptyDir data mounted at %s", where, dataDir, mountOf["data"])
	}
	cred := volumes["credentials"].Secret
	if cred == nil {
		t.Fatalf("%s: no Secret volume credentials", where)
	}
	secret := m.secrets[cred.SecretName]
	if secret == nil {
		t.Fatalf("%s: the volume credentials names Secret %s, which secret.yaml does not define", where, cred.SecretName)
	}
	if cred.DefaultMode == nil || *cred.DefaultMode&0o077 != 0 {
		t.Errorf("%s: the credentials' defaultMode must give group and others nothing (0400 or 0600)", where)
	}
	id := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(secret.StringData["customer-id.conf"]), "CUSTOMER_ID="))
	layout := config.DataLayout(dataDir)
	wantFiles := map[string]bool{}
	for _, f := range []string{layout.PropertiesFile(id), layout.CustomerIDFile(), layout.CertFile(id), layout.KeyFile(id), layout.KeystoreFile(id), layout.KeystoreFile(id) + ".pass"} {
		rel, _ := filepath.Rel(dataDir, f)
		wantFiles[filepath.ToSlash(rel)] = true
	}
	for _, it := range cred.Items {
		if !wantFiles[it.Path] {
			t.Errorf("%s: Secret item %s → %s is not a file sqlscim reads (customer id %q)", where, it.Key, it.Path, id)
		}
		delete(wantFiles, it.Path)
		if !secretHasKey(secret, it.Key) {
			t.Errorf("Secret %s has no key %s", secret.Name, it.Key)
		}
		if path.Base(it.Path) != it.Key {
			t.Errorf("Secret %s: key %s is mounted as %s; name keys after their files", secret.Name, it.Key, it.Path)
		}
	}
	for f := range wantFiles {
		t.Errorf("%s: the Secret volume lacks %s", where, f)
	}
	if len(pod.Spec.InitContainers) != 1 {
		t.Fatalf("%s: want the one init container that copies the credentials", where)
	}
	initc := pod.Spec.InitContainers[0]
	initMounts := map[string]string{}
	for _, vm := range initc.VolumeMounts {
		initMounts[vm.Name] = vm.MountPath
	}
	script := strings.Join(initc.Command, " ")
	if initMounts["data"] != dataDir || !strings.Contains(script, "umask 077") || !strings.Contains(script, initMounts["credentials"]+"/") {
		t.Errorf("init container %s must copy %s into %s under umask 077", initc.Name, initMounts["credentials"], dataDir)
	}
	if got, want := env["SQLSCIM_TLS_KEYSTORE"], layout.KeystoreFile(id); got != want {
		t.Errorf("%s: SQLSCIM_TLS_KEYSTORE=%q, want %q (an OPS properties file names /etc/pki/tls/private/...)", where, got, want)
	}

	// Tenants: the ConfigMap holds the file --tenants names, and it parses
	// with the passwords the Deployment provides.
	tv := volumes["tenants"].ConfigMap
	if tv == nil {
		t.Fatalf("%s: no ConfigMap volume tenants", where)
	}
	cm := m.configMaps[tv.Name]
	if cm == nil {
		t.Fatalf("%s: the volume tenants names ConfigMap %s, which configmap.yaml does not define", where, tv.Name)
	}
	tenantsFile := ""
	for _, it := range tv.Items {
		if _, ok := cm.Data[it.Key]; !ok {
			t.Errorf("ConfigMap %s has no key %s", cm.Name, it.Key)
		}
		if path.Join(mountOf["tenants"], it.Path) == arg("--tenants") {
			tenantsFile = it.Key
		}
	}
	if tenantsFile == "" {
		t.Fatalf("%s: --tenants %s is not a file of the ConfigMap volume", where, arg("--tenants"))
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	if _, err := tenant.Parse("ConfigMap "+cm.Name+" "+tenantsFile, []byte(cm.Data[tenantsFile])); err != nil {
		t.Errorf("%v", err)
	}
}

func secretHasKey(s *corev1.Secret, key string) bool {
	_, inData := s.Data[key]
	_, inString := s.StringData[key]
	return inData || inString
}

func TestKubernetesReadme(t *testing.T) {
	readme := readFile(t, k8sDir+"/README.md")
	for _, want := range []string{"sessionAffinity: ClientIP", "/readyz", "/healthz", "fsGroup", "snapshot", "any request"} {
		if !strings.Contains(readme, want) {
			t.Errorf("%s/README.md does not mention %q", k8sDir, want)
		}
	}
	var buf bytes.Buffer
	for _, f := range []string{"deployment.yaml", "service.yaml", "secret.yaml", "configmap.yaml", "pdb.yaml", "hpa.yaml", "kustomization.yaml"} {
		if !strings.Contains(readme, "`"+f+"`") {
			fmt.Fprintf(&buf, " %s", f)
		}
	}
	if buf.Len() > 0 {
		t.Errorf("%s/README.md does not describe:%s", k8sDir, buf.String())
	}
}
