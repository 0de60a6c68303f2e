package io.github.ssmonprem.core.internal.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.internal.Redactor;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The scrubbing of secret values, on random inputs: every form of every live secret is gone from the
 * output, and a text holding none is returned unchanged. The largest case is a text at the transport's
 * 64 MiB response cap.
 */
class SecretScrubbingPropertiesTest {

    /** Secrets of random content: printable ASCII, spaces, URL and JSON metacharacters, non-ASCII. */
    @Provide
    Arbitrary<String> secretValues() {
        return Arbitraries.strings().withChars("abcXYZ019 +/=&%!?\\\"'<>:;.-_~\u00e9\u20ac")
                .ofMinLength(SecretValues.MIN_LENGTH).ofMaxLength(40);
    }

    /** Filler drawn from the same characters, so near-misses and overlaps occur. */
    @Provide
    Arbitrary<String> filler() {
        return Arbitraries.strings().withChars("abcXYZ019 +/=&%!?\\\"'<>:;.-_~\u00e9\u20ac\n\t").ofMaxLength(300);
    }

    @Property(tries = 120)
    void noFormOfALiveSecretSurvives(@ForAll("secretValues") String value, @ForAll("filler") String before,
            @ForAll("filler") String after, @ForAll @IntRange(min = 0, max = 14) int formIndex) {
        Secret secret = Secret.of(value);
        List<String> forms = new ArrayList<>(SecretForms.of(secret.reveal()));
        String form = forms.get(formIndex % forms.size());
        String scrubbed = Redactor.scrubSecrets(before + form + after + form);
        for (String f : forms) {
            assertFalse(scrubbed.contains(f), () -> "a form of the secret survived: " + scrubbed);
        }
        // Only live secrets are masked: the secret must stay reachable until the text is scrubbed.
        Reference.reachabilityFence(secret);
    }

    @Property(tries = 300)
    void aTextWithoutSecretsIsUnchanged(@ForAll("filler") String text) {
        Set<String> none = Set.of();
        LiteralMasker masker = LiteralMasker.of(none);
        assertEquals(text, masker.mask(text, "****"));
        LiteralMasker other = LiteralMasker.of(List.of("\u0000never-in-filler\u0000"));
        assertEquals(text, other.mask(text, "****"));
    }

    @Property(tries = 200)
    void overlappingLiteralsAreMaskedAsOneRun(@ForAll("filler") String text, @ForAll("secretValues") String a,
            @ForAll("secretValues") String b) {
        LiteralMasker masker = LiteralMasker.of(List.of(a, b));
        String masked = masker.mask(text + a + b + text + b.substring(1) + a, "#");
        assertFalse(masked.contains(a) || masked.contains(b), masked);
    }

    /** The largest answer the transport reads, with secrets at random places, a seeded random text. */
    @Property(tries = 1, seed = "23")
    void aTextAtTheResponseCapIsScrubbed(@ForAll("secretValues") String value) {
        Secret secret = Secret.of(value + "-cap");
        List<String> forms = new ArrayList<>(SecretForms.of(secret.reveal()));
        Random random = new Random(23);
        int size = 64 * 1024 * 1024;
        StringBuilder text = new StringBuilder(size + 1024);
        String alphabet = "abcXYZ019 +/=&%!?\\\"'<>:;.-_~";
        char[] block = new char[65_536];
        for (int i = 0; i < block.length; i++) {
            block[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        while (text.length() < size) {
            // A random stretch of random text, then a random form of the secret, about every 100,000 characters.
            int from = random.nextInt(block.length / 2);
            text.append(block, from, random.nextInt(block.length / 2) + 1).append(forms.get(random.nextInt(forms.size())));
        }
        text.insert(0, secret.reveal()).append(forms.get(forms.size() - 1));
        String scrubbed = Redactor.scrubSecrets(text.toString());
        for (String f : forms) {
            assertFalse(scrubbed.contains(f), "a form of the secret survived in the 64 MiB text");
        }
        Reference.reachabilityFence(secret);
    }
}
