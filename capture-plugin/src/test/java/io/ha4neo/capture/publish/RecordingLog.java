package io.ha4neo.capture.publish;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.neo4j.logging.InternalLog;

/** An {@link InternalLog} that keeps every formatted message as {@code LEVEL message}. */
final class RecordingLog {
    private final List<String> lines = new ArrayList<>();
    private final InternalLog log = (InternalLog) Proxy.newProxyInstance(InternalLog.class.getClassLoader(),
            new Class<?>[] {InternalLog.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "isDebugEnabled": return false;
                    case "toString": return "RecordingLog";
                    case "hashCode": return System.identityHashCode(proxy);
                    case "equals": return proxy == args[0];
                    default: break;
                }
                if (args != null && args[0] instanceof String format) {
                    String text = args.length == 2 && args[1] instanceof Object[] a ? String.format(format, a) : format;
                    record(method.getName().toUpperCase(java.util.Locale.ROOT) + " " + text);
                }
                return null;
            });

    private synchronized void record(String line) {
        lines.add(line);
    }

    InternalLog log() {
        return log;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines at one level (ERROR, WARN, INFO). */
    synchronized List<String> at(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
    }
}
