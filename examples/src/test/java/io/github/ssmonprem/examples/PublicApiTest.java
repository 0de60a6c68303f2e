package io.github.ssmonprem.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.github.ssmonprem.examples.fixture.LeakyApi;
import io.github.ssmonprem.examples.fixture.MappedSpiRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * The public API of the SDK's published library modules: no public or protected signature exposes a
 * type of an {@code internal} package (users rely on the javadoc'd API alone, internals change freely),
 * and the third-party types it exposes are the few a user of that module is meant to see, written down
 * below per module. Types of the Java platform ({@code java.*}, {@code javax.*} of the JDK) are always
 * allowed. The command line and the examples are applications, not API, and are not checked.
 */
class PublicApiTest {

    /** Every module takes the application's Micrometer registries (metrics and observations). */
    private static final List<String> MICROMETER = List.of(
            "io.micrometer.core.instrument.MeterRegistry",
            "io.micrometer.observation.ObservationRegistry");

    /**
     * The third-party types each published module may expose, by the package root of the module: a name
     * ending in a dot allows a package and its subpackages, any other name one class. Everything else of
     * a dependency (Jackson's ObjectMapper, Resilience4j's live breakers and retries, HttpClient,
     * SLF4J, ...) is the SDK's implementation and stays out of its signatures.
     */
    static final Map<String, List<String>> ALLOWED = allowed();

    private static Map<String, List<String>> allowed() {
        Map<String, List<String>> allowed = new LinkedHashMap<>();
        // sdk-core: JSON answers of SsmHttpClient.execute as Jackson trees or generic types, the error
        // answer's JSON for an ErrorDecoder, and Resilience4j's configuration of the breaker (configuration in,
        // never a live breaker out; the retry policy is the SDK's own RetrySettings).
        allowed.put("io.github.ssmonprem.core", with(MICROMETER,
                "com.fasterxml.jackson.databind.JsonNode",
                "com.fasterxml.jackson.core.type.TypeReference",
                "io.github.resilience4j.circuitbreaker.CircuitBreakerConfig"));
        allowed.put("io.github.ssmonprem.auth", MICROMETER);
        allowed.put("io.github.ssmonprem.sync", MICROMETER);
        // sdk-jdbc: the application's DataSource (JDK) and, for the ShedLock adapter, its LockProvider.
        allowed.put("io.github.ssmonprem.jdbc", with(MICROMETER, "net.javacrumbs.shedlock.core.LockProvider"));
        // sdk-emulator: a JUnit 5 extension; sdk-testkit: the store contract suite, on JUnit 5.
        allowed.put("io.github.ssmonprem.emulator", with(MICROMETER, "org.junit.jupiter.api."));
        allowed.put("io.github.ssmonprem.testkit", with(MICROMETER, "org.junit.jupiter.api."));
        // The starter: Spring and Spring Boot types (auto-configurations, events, actuator, properties).
        allowed.put("io.github.ssmonprem.spring.boot", with(MICROMETER, "org.springframework."));
        return Map.copyOf(allowed);
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    private static final ArchCondition<JavaClass> EXPOSE_NO_INTERNAL_TYPE =
            new ArchCondition<>("expose no type of an internal package in a public or protected signature") {
                @Override
                public void check(JavaClass type, ConditionEvents events) {
                    for (String leak : leaks(type)) {
                        events.add(SimpleConditionEvent.violated(type, leak));
                    }
                }
            };

    private static final ArchCondition<JavaClass> EXPOSE_ONLY_ALLOWED_THIRD_PARTY_TYPES =
            new ArchCondition<>("expose no third-party type outside its module's allow-list in a public or protected signature") {
                @Override
                public void check(JavaClass type, ConditionEvents events) {
                    for (String leak : thirdPartyLeaks(type)) {
                        events.add(SimpleConditionEvent.violated(type, leak));
                    }
                }
            };

    private static final ArchRule RULE = classes().that().arePublic()
            .and().resideOutsideOfPackage("..internal..")
            .should(EXPOSE_NO_INTERNAL_TYPE);

    private static final ArchRule THIRD_PARTY_RULE = classes().that().arePublic()
            .and().resideOutsideOfPackage("..internal..")
            .should(EXPOSE_ONLY_ALLOWED_THIRD_PARTY_TYPES);

    /**
     * The store and lock SPI carries no persistence mapping: an implementer of {@code SyncStore} does not
     * inherit the SDK's file format. The stores map the SPI's records themselves, inside internal packages.
     */
    private static final ArchRule SPI_WITHOUT_PERSISTENCE_MAPPING = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..")
            .as("no class of the store and lock SPI should depend on Jackson (annotations included)");

    static List<String> leaks(JavaClass type) {
        return exposed(type, (member, t) -> internal(t));
    }

    static List<String> thirdPartyLeaks(JavaClass type) {
        List<String> allowed = allowedFor(type);
        return exposed(type, (member, t) -> !t.getPackageName().startsWith("io.github.ssmonprem.") && !platform(t)
                && allowed.stream().noneMatch(a -> a.endsWith(".") ? t.getName().startsWith(a) : t.getName().equals(a)));
    }

    /** The public or protected signatures of a type that involve a type the test picks, as readable lines. */
    private static List<String> exposed(JavaClass type, BiPredicate<String, JavaClass> picked) {
        List<String> found = new ArrayList<>();
        Set<JavaClass> supertypes = new LinkedHashSet<>();
        type.getRawSuperclass().ifPresent(supertypes::add);
        supertypes.addAll(type.getRawInterfaces());
        for (JavaClass s : supertypes) {
            if (picked.test(type.getName(), base(s))) {
                found.add(type.getName() + " extends or implements " + s.getName());
            }
        }
        for (JavaMember member : type.getMembers()) {
            if (!member.getModifiers().contains(JavaModifier.PUBLIC) && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                continue;
            }
            Set<JavaClass> involved = new LinkedHashSet<>();
            if (member instanceof JavaField) {
                involved.addAll(((JavaField) member).getType().getAllInvolvedRawTypes());
            } else if (member instanceof JavaCodeUnit) {
                JavaCodeUnit unit = (JavaCodeUnit) member;
                involved.addAll(unit.getReturnType().getAllInvolvedRawTypes());
                for (JavaType parameter : unit.getParameterTypes()) {
                    involved.addAll(parameter.getAllInvolvedRawTypes());
                }
                involved.addAll(unit.getThrowsClause().getTypes());
            }
            for (JavaClass t : involved) {
                if (!base(t).isPrimitive() && picked.test(member.getFullName(), base(t))) {
                    found.add(member.getFullName() + " exposes " + t.getName());
                }
            }
        }
        return found;
    }

    private static JavaClass base(JavaClass type) {
        return type.isArray() ? type.getBaseComponentType() : type;
    }

    private static boolean internal(JavaClass type) {
        return type.getPackageName().contains(".internal");
    }

    /** A type of the Java platform: {@code java.*} or a {@code javax.*} package of the JDK itself. */
    private static boolean platform(JavaClass type) {
        String name = type.getName();
        if (name.startsWith("java.")) {
            return true;
        }
        if (!name.startsWith("javax.")) {
            return false;
        }
        try {
            Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<String> allowedFor(JavaClass type) {
        String root = ALLOWED.keySet().stream()
                .filter(r -> type.getPackageName().equals(r) || type.getPackageName().startsWith(r + "."))
                .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
        return root == null ? List.of() : ALLOWED.get(root);
    }

    private static JavaClasses library;

    /** The published modules' main classes, imported once for the tests (an import scans the class path). */
    private static synchronized JavaClasses library() {
        if (library == null) {
            library = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                    .importPackages(ALLOWED.keySet());
        }
        return library;
    }

    @Test
    void everyPublishedModuleIsChecked() {
        JavaClasses sdk = library();
        Set<String> missing = new TreeSet<>(ALLOWED.keySet());
        sdk.forEach(c -> missing.removeIf(root -> c.getPackageName().startsWith(root)));
        assertEquals(Set.of(), missing, "every published module's classes are on this test's class path");
        assertTrue(sdk.size() > 150, "the library modules' classes were imported: " + sdk.size());
    }

    @Test
    void noPublicSignatureOfTheLibraryModulesExposesAnInternalType() {
        RULE.check(library());
    }

    @Test
    void thePublicSignaturesExposeOnlyTheThirdPartyTypesTheirModuleAllows() {
        THIRD_PARTY_RULE.check(library());
    }

    @Test
    void theStoreAndLockSpiCarryNoPersistenceMapping() {
        JavaClasses spi = library().that(JavaClass.Predicates.resideInAnyPackage(
                "io.github.ssmonprem.sync.store..", "io.github.ssmonprem.sync.lock.."));
        assertTrue(spi.contain("io.github.ssmonprem.sync.store.LicenseSnapshot"), "the SPI was imported");
        SPI_WITHOUT_PERSISTENCE_MAPPING.check(spi);
    }

    @Test
    void theRuleCatchesALeak() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyApi.class);
        EvaluationResult result = RULE.evaluate(leaky);
        assertTrue(result.hasViolation(), "the rule reports a public method returning an internal type");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("leak(java.util.List)") && report.contains("Redactor"), report);
        assertFalse(leaks(leaky.get(LeakyApi.class)).isEmpty());
    }

    @Test
    void theRuleCatchesAThirdPartyTypeOutsideTheAllowList() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyApi.class);
        EvaluationResult result = THIRD_PARTY_RULE.evaluate(leaky);
        assertTrue(result.hasViolation(), "the rule reports a live Resilience4j breaker and a Jackson mapper");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("io.github.resilience4j.circuitbreaker.CircuitBreaker") && report.contains("ObjectMapper"), report);
        List<String> leaks = thirdPartyLeaks(leaky.get(LeakyApi.class));
        assertEquals(2, leaks.size(), "the JDK's types are allowed, the SDK's own too: " + leaks);
    }

    @Test
    void anAllowListAllowsOnlyItsModulesTypes() {
        JavaClass core = new ClassFileImporter().importClasses(io.github.ssmonprem.core.SsmClientConfig.class)
                .get(io.github.ssmonprem.core.SsmClientConfig.class);
        assertTrue(thirdPartyLeaks(core).isEmpty(), "sdk-core may take Micrometer's registries and Resilience4j's configs");
        assertTrue(allowedFor(new ClassFileImporter().importClasses(LeakyApi.class).get(LeakyApi.class)).isEmpty(),
                "a package of no published module allows nothing");
    }

    @Test
    void theSpiRuleCatchesAJacksonAnnotation() {
        EvaluationResult result = SPI_WITHOUT_PERSISTENCE_MAPPING.evaluate(new ClassFileImporter().importClasses(MappedSpiRecord.class));
        assertTrue(result.hasViolation(), "a record whose components carry @JsonProperty is reported");
        assertTrue(result.getFailureReport().toString().contains("JsonProperty"), result.getFailureReport().toString());
    }
}
