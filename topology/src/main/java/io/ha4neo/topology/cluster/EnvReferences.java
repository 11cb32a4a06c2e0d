package io.ha4neo.topology.cluster;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} references to environment variables in secret values of the cluster file, so that
 * passwords need not sit in the file. {@code $${} stands for a literal {@code ${}. An unset variable is an error
 * (an empty password would silently turn authentication off). Pure: the environment is passed in.
 */
final class EnvReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$\\{");

    private EnvReferences() {
    }

    /** The text with every reference replaced; throws naming the first unset or malformed reference. */
    static String resolve(String text, Function<String, String> env) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement(m, env)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replacement(Matcher m, Function<String, String> env) {
        if (m.group().equals("$${")) {
            return "${";
        }
        String name = m.group(1);
        if (name == null) {
            throw new IllegalArgumentException("malformed environment reference; write ${NAME} with NAME made of "
                    + "letters, digits and '_' (or $${ for a literal ${)");
        }
        String value = env.apply(name);
        if (value == null) {
            throw new IllegalArgumentException("environment variable " + name + " is not set (referenced as ${"
                    + name + "})");
        }
        return value;
    }
}
