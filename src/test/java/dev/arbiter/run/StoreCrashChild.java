package dev.arbiter.run;

import java.nio.file.Path;
import java.util.List;

/** Run in its own JVM by CompletionStoreTest: stores completions forever, saying which are committed, until killed. */
public final class StoreCrashChild {
    public static void main(String[] args) {
        GenerationSpec spec = CompletionStoreTest.spec(0.6);
        try (CompletionStore store = CompletionStore.open(Path.of(args[0]))) {
            String hash = store.register(spec);
            for (int i = 0; ; i++) {
                String problem = "p" + (i / 4);
                store.put(hash, new Completion(problem, i % 4, "answer " + i + " " + "x".repeat(2000), "stop", 10, 500));
                System.out.println("committed " + problem + " " + (i % 4));
                System.out.flush();
            }
        }
    }

    private StoreCrashChild() {}

    static List<String> command(Path db) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), db.toString());
    }
}
