import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks an unpacked Maven Central bundle (the release profile's central-bundle.zip) against the reactor that
 * built it, so no module, artifact, signature or piece of metadata can go missing unnoticed:
 * <ul>
 *   <li>every published module (every module whose POM chain does not set {@code ssm.publish.skip} to true) is in
 *       the bundle, and nothing else is;</li>
 *   <li>each has its POM and, for a jar, the jar, its {@code -sources.jar} (with .java files), its
 *       {@code -javadoc.jar} (with an index.html); each module has its CycloneDX SBOM ({@code -cyclonedx.json});</li>
 *   <li>every file has an {@code .asc} signature (verified by the calling script with gpg) and the checksums
 *       Central requires ({@code .md5}, {@code .sha1}), which must match the file;</li>
 *   <li>every bundled POM has its own name and description and, itself or through parents that are also in
 *       the bundle, a url, a licence, a developer, scm and issue management;</li>
 *   <li>sdk-bom lists every published jar module.</li>
 * </ul>
 * Usage: {@code java scripts/CheckReleaseBundle.java <reactor root> <unpacked bundle dir>}. Prints one line per
 * module and exits 1 with every problem listed if there is any.
 */
public class CheckReleaseBundle {

    record Module(String groupId, String artifactId, String version, String packaging, boolean published) {
        String dir() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version;
        }

        String base() {
            return artifactId + "-" + version;
        }
    }

    private final List<String> problems = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java CheckReleaseBundle.java <reactor root> <unpacked bundle dir>");
            System.exit(2);
        }
        System.exit(new CheckReleaseBundle().check(Path.of(args[0]), Path.of(args[1])) ? 0 : 1);
    }

    boolean check(Path root, Path bundle) throws Exception {
        Map<String, Module> reactor = new LinkedHashMap<>();
        readReactor(root.resolve("pom.xml"), reactor, new LinkedHashMap<>());
        List<Module> published = reactor.values().stream().filter(Module::published).toList();
        if (published.isEmpty()) {
            problems.add("no published module found in " + root);
        }

        Set<String> bundled;
        try (Stream<Path> files = Files.walk(bundle)) {
            bundled = files.filter(Files::isRegularFile).map(p -> bundle.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> explained = new TreeSet<>();

        for (Module m : published) {
            List<String> artifacts = new ArrayList<>(List.of(m.base() + ".pom", m.base() + "-cyclonedx.json"));
            if (m.packaging().equals("jar")) {
                artifacts.addAll(List.of(m.base() + ".jar", m.base() + "-sources.jar", m.base() + "-javadoc.jar"));
            }
            for (String name : artifacts) {
                if (!bundled.contains(m.dir() + "/" + name)) {
                    problems.add(m.artifactId() + ": " + name + " is missing from the bundle");
                }
            }
            // Every file of the module (including extra classifiers, such as a test-jar) is signed and summed.
            List<String> files = bundled.stream().filter(f -> f.startsWith(m.dir() + "/"))
                    .filter(f -> !f.matches(".*\\.(asc|md5|sha1|sha256|sha512)$")).toList();
            for (String f : files) {
                for (String suffix : List.of(".asc", ".md5", ".sha1")) {
                    if (!bundled.contains(f + suffix)) {
                        problems.add(m.artifactId() + ": " + f + suffix + " is missing");
                    }
                }
                checkDigest(bundle, f, ".md5", "MD5");
                checkDigest(bundle, f, ".sha1", "SHA-1");
            }
            bundled.stream().filter(f -> f.startsWith(m.dir() + "/")).forEach(explained::add);
            checkJarContents(bundle, m);
            checkPomMetadata(bundle, m, reactor);
            System.out.printf("  %-40s %s, %d files%n", m.groupId() + ":" + m.artifactId(), m.packaging(), files.size());
        }

        for (String f : bundled) {
            if (!explained.contains(f)) {
                problems.add(f + " is in the bundle but belongs to no published module (ssm.publish.skip?)");
            }
        }
        checkBomListsEveryJar(root, published);

        problems.forEach(p -> System.err.println("PROBLEM: " + p));
        return problems.isEmpty();
    }

    /** Reads the module tree from the aggregator POM down; each module's publication follows its parent chain. */
    private void readReactor(Path pom, Map<String, Module> reactor, Map<String, Boolean> skipByKey) throws Exception {
        Element project = parse(pom);
        Element parent = child(project, "parent");
        String groupId = text(project, "groupId", parent == null ? null : text(parent, "groupId", null));
        String version = text(project, "version", parent == null ? null : text(parent, "version", null));
        String artifactId = text(project, "artifactId", null);
        String packaging = text(project, "packaging", "jar");
        Element properties = child(project, "properties");
        String ownSkip = properties == null ? null : text(properties, "ssm.publish.skip", null);
        Boolean skip = ownSkip != null ? Boolean.valueOf(ownSkip.trim()) : null;
        if (skip == null && parent != null) {
            Path parentPom = pom.getParent().resolve(text(parent, "relativePath", "../pom.xml")).normalize();
            if (Files.isDirectory(parentPom)) {
                parentPom = parentPom.resolve("pom.xml");
            }
            String parentKey = text(parent, "groupId", null) + ":" + text(parent, "artifactId", null);
            if (!skipByKey.containsKey(parentKey) && Files.exists(parentPom)) {
                readReactor(parentPom, reactor, skipByKey);
            }
            skip = skipByKey.get(parentKey);
        }
        String key = groupId + ":" + artifactId;
        skipByKey.put(key, skip != null && skip);
        reactor.putIfAbsent(key, new Module(groupId, artifactId, version, packaging, !(skip != null && skip)));
        Element modules = child(project, "modules");
        if (modules != null) {
            for (Element module : children(modules, "module")) {
                Path modulePom = pom.getParent().resolve(module.getTextContent().trim()).resolve("pom.xml").normalize();
                if (!reactor.containsKey(key(parse(modulePom), modulePom))) {
                    readReactor(modulePom, reactor, skipByKey);
                }
            }
        }
    }

    private static String key(Element project, Path pom) {
        Element parent = child(project, "parent");
        return text(project, "groupId", parent == null ? null : text(parent, "groupId", null)) + ":"
                + text(project, "artifactId", null);
    }

    private void checkDigest(Path bundle, String file, String suffix, String algorithm) throws Exception {
        Path sum = bundle.resolve(file + suffix);
        if (!Files.exists(sum)) {
            return;
        }
        String expected = Files.readString(sum).trim().split("\\s+")[0].toLowerCase();
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                .digest(Files.readAllBytes(bundle.resolve(file))));
        if (!expected.equals(actual)) {
            problems.add(file + suffix + " does not match the file");
        }
    }

    private void checkJarContents(Path bundle, Module m) throws IOException {
        if (!m.packaging().equals("jar")) {
            return;
        }
        checkEntry(bundle.resolve(m.dir()).resolve(m.base() + "-sources.jar"), ".java", m);
        checkEntry(bundle.resolve(m.dir()).resolve(m.base() + "-javadoc.jar"), "index.html", m);
        checkEntry(bundle.resolve(m.dir()).resolve(m.base() + ".jar"), ".class", m);
    }

    private void checkEntry(Path jar, String suffix, Module m) throws IOException {
        if (!Files.exists(jar)) {
            return;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.stream().noneMatch(e -> e.getName().endsWith(suffix))) {
                problems.add(m.artifactId() + ": " + jar.getFileName() + " has no " + suffix + " entry");
            }
        }
    }

    /** Central's required metadata, on the POMs as published (a child gets the rest from bundled parents). */
    private void checkPomMetadata(Path bundle, Module m, Map<String, Module> reactor) throws Exception {
        Path pom = bundle.resolve(m.dir()).resolve(m.base() + ".pom");
        if (!Files.exists(pom)) {
            return;
        }
        Element project = parse(pom);
        for (String own : List.of("name", "description")) {
            if (text(project, own, "").isBlank()) {
                problems.add(m.artifactId() + ": the POM has no " + own + " of its own");
            }
        }
        Map<String, String> inherited = new LinkedHashMap<>();
        Element current = project;
        while (current != null) {
            putIfPresent(inherited, "url", text(current, "url", null));
            Element licenses = child(current, "licenses");
            if (licenses != null && !children(licenses, "license").isEmpty()) {
                Element license = children(licenses, "license").get(0);
                putIfPresent(inherited, "licence name", text(license, "name", null));
                putIfPresent(inherited, "licence url", text(license, "url", null));
            }
            Element developers = child(current, "developers");
            if (developers != null && !children(developers, "developer").isEmpty()) {
                putIfPresent(inherited, "developer name", text(children(developers, "developer").get(0), "name", null));
            }
            Element scm = child(current, "scm");
            if (scm != null) {
                putIfPresent(inherited, "scm url", text(scm, "url", null));
                putIfPresent(inherited, "scm connection", text(scm, "connection", null));
            }
            Element issues = child(current, "issueManagement");
            if (issues != null) {
                putIfPresent(inherited, "issue management url", text(issues, "url", null));
            }
            Element parent = child(current, "parent");
            if (parent == null) {
                break;
            }
            Module parentModule = reactor.get(text(parent, "groupId", null) + ":" + text(parent, "artifactId", null));
            Path parentPom = parentModule == null ? null
                    : bundle.resolve(parentModule.dir()).resolve(parentModule.base() + ".pom");
            if (parentPom == null || !Files.exists(parentPom)) {
                problems.add(m.artifactId() + ": its parent " + text(parent, "artifactId", null)
                        + " is not in the bundle, so users could not resolve it");
                break;
            }
            current = parse(parentPom);
        }
        for (String required : List.of("url", "licence name", "licence url", "developer name", "scm url",
                "scm connection", "issue management url")) {
            if (!inherited.containsKey(required)) {
                problems.add(m.artifactId() + ": the published POM (with its parents) has no " + required);
            }
        }
    }

    private void checkBomListsEveryJar(Path root, List<Module> published) throws Exception {
        Module bom = published.stream().filter(m -> m.artifactId().equals("sdk-bom")).findFirst().orElse(null);
        if (bom == null) {
            problems.add("sdk-bom is not published");
            return;
        }
        Path bomPom;
        try (Stream<Path> poms = Files.walk(root, 2)) {
            bomPom = poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> {
                        try {
                            return text(parse(p), "artifactId", "").equals("sdk-bom");
                        } catch (Exception e) {
                            return false;
                        }
                    }).findFirst().orElseThrow();
        }
        Element managed = child(child(parse(bomPom), "dependencyManagement"), "dependencies");
        Set<String> listed = children(managed, "dependency").stream()
                .map(d -> text(d, "groupId", "") + ":" + text(d, "artifactId", "")).collect(Collectors.toSet());
        for (Module m : published) {
            if (m.packaging().equals("jar") && !listed.contains(m.groupId() + ":" + m.artifactId())) {
                problems.add("sdk-bom does not list the published module " + m.artifactId());
            }
        }
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.putIfAbsent(key, value);
        }
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name, String otherwise) {
        Element e = child(parent, name);
        return e == null ? otherwise : e.getTextContent().trim();
    }
}
