package io.commucat.ccp.bench.soak;

import java.util.Locale;

/**
 * The faults of a soak, in the order they strike. {@link #inject} breaks something and returns
 * how to lift the fault; what lies between (the outage) is the soak's to time.
 */
enum Fault {

    /** SIGKILL the busiest node (no drain, no flush); its devices reconnect through the balancer. Lifted by starting it again. */
    NODE_KILL("node SIGKILL") {
        @Override
        Lift inject(Cluster cluster, Soak.Progress progress) throws Exception {
            NodeProcess victim = cluster.busiestNode();
            progress.say("SIGKILL " + victim.name() + " (devices: " + cluster.spread() + ")");
            victim.kill();
            return () -> {
                victim.start();
                progress.say(victim.name() + " started again");
            };
        }
    },

    /** kill -9 the Redis and start it again, empty. */
    REDIS_RESTART("Redis kill -9") {
        @Override
        Lift inject(Cluster cluster, Soak.Progress progress) throws Exception {
            progress.say("kill -9 Redis");
            cluster.redis.kill();
            return () -> {
                cluster.redis.start();
                progress.say("Redis started again, empty");
            };
        }
    },

    /** PostgreSQL unreachable without a word: connections held open, nothing carried. */
    POSTGRES_BLOCK("PostgreSQL blocked") {
        @Override
        Lift inject(Cluster cluster, Soak.Progress progress) {
            progress.say("PostgreSQL black-holed (connections held, nothing carried)");
            cluster.postgres.block();
            return () -> {
                cluster.postgres.resume();
                progress.say("PostgreSQL carried again");
            };
        }
    },

    /** What clients see of a PostgreSQL restart: every connection cut, new ones refused. */
    POSTGRES_RESTART("PostgreSQL restart") {
        @Override
        Lift inject(Cluster cluster, Soak.Progress progress) {
            progress.say("PostgreSQL 'restarting' (connections cut, port closed)");
            cluster.postgres.restart();
            return () -> {
                cluster.postgres.resume();
                progress.say("PostgreSQL accepts connections again");
            };
        }
    },

    /** SIGTERM the busiest node: it drains and tells its devices to go elsewhere. Lifted by starting it again. */
    NODE_TERM("node SIGTERM") {
        @Override
        Lift inject(Cluster cluster, Soak.Progress progress) throws Exception {
            NodeProcess victim = cluster.busiestNode();
            progress.say("SIGTERM " + victim.name() + " (devices: " + cluster.spread() + ")");
            long start = System.nanoTime();
            boolean clean = victim.terminate(60);
            progress.say(String.format(Locale.ROOT, "%s %s after %.1f s", victim.name(),
                    clean ? "stopped by itself" : "did not stop within 60 s: killed", (System.nanoTime() - start) / 1e9));
            return () -> {
                victim.start();
                progress.say(victim.name() + " started again");
            };
        }
    };

    /** Undoes a fault. */
    interface Lift {
        void run() throws Exception;
    }

    final String label;

    Fault(String label) {
        this.label = label;
    }

    abstract Lift inject(Cluster cluster, Soak.Progress progress) throws Exception;
}
