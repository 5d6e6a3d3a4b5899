package io.commucat.ccp.bench.load;

import io.commucat.ccp.crypto.Hex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load tools' node ({@link EmbeddedNode}: a temporary data directory, per-address limits
 * lifted) in a process of its own, so that devices in another JVM can be measured apart from
 * the server. Prints the server's URL, its development CA and its pid, then serves until its standard
 * input ends (Ctrl-D) or it is interrupted (Ctrl-C); either way it deletes its data directory.
 *
 * <pre>
 * java -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.LoadNode --info /tmp/node.txt
 * </pre>
 */
@Command(name = "load-node", mixinStandardHelpOptions = true,
        description = "A node for load tools in another JVM; serves until standard input ends.")
public final class LoadNode implements Callable<Integer> {

    @Option(names = "--info", description = "Also write the URL, the CA file's path and this process's pid, one a line, to this file.")
    Path info;

    @Option(names = "--set", description = "More node settings as CCP_* environment variables.")
    Map<String, String> settings = new HashMap<>();

    @Option(names = "--postgres", description = "Store in PostgreSQL, in a fresh schema dropped at the end,"
            + " instead of the embedded H2 file (whose page cache would count in the node's heap).")
    boolean postgres;

    @Option(names = "--postgres-url", defaultValue = RelayLoad.DEFAULT_POSTGRES,
            description = "Where PostgreSQL is (default: ${DEFAULT-VALUE}); the schema is added as currentSchema.")
    String postgresUrl;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadNode()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        RelayLoad.Postgres pg = null;
        if (postgres) {
            SecureRandom random = new SecureRandom();
            pg = new RelayLoad.Postgres(postgresUrl, "ccp_node_" + Hex.encode(random.generateSeed(6)));
            pg.createSchema();
            overrides.put("CCP_STORAGE_POSTGRES_DSN", pg.dsn());
            overrides.put("CCP_CRYPTO_SECRETS_KEY", Hex.encode(random.generateSeed(32)));
        }
        overrides.putAll(settings);
        RelayLoad.Postgres schema = pg;
        EmbeddedNode node;
        try {
            node = EmbeddedNode.start(overrides);
        } catch (Exception e) {
            if (schema != null) {
                schema.dropSchema();
            }
            throw e;
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                node.close(); // also deletes its temporary data directory
                if (schema != null) {
                    schema.dropSchema();
                }
            }
        };
        Thread hook = new Thread(close, "load-node-stop");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C too
        try {
            String url = "https://127.0.0.1:" + node.port();
            String lines = url + "\n" + node.devCa() + "\n" + ProcessHandle.current().pid() + "\n";
            if (info != null) {
                Files.writeString(info, lines);
            }
            System.out.print(lines);
            System.out.flush();
            System.err.println("[load-node] serving " + url + " until standard input ends; pid "
                    + ProcessHandle.current().pid());
            try {
                while (System.in.read() >= 0) {
                    // Serve.
                }
            } catch (IOException e) {
                // Standard input gone: stop.
            }
        } finally {
            close.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down.
            }
        }
        return 0;
    }
}
