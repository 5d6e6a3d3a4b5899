package io.commucat.ccp.server.audit;

import io.commucat.ccp.ledger.FileLedger;
import io.commucat.ccp.ledger.FileLedgerConfig;
import io.commucat.ccp.ledger.Ledger;
import io.commucat.ccp.ledger.LedgerException;
import io.commucat.ccp.ledger.LedgerSink;
import io.commucat.ccp.ledger.NullLedger;
import io.commucat.ccp.ledger.QueueOptions;
import io.commucat.ccp.ledger.StdoutLedger;
import io.commucat.ccp.server.config.ServerConfig;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the ledger {@code [ledger]} configures, as the server runs it. */
public final class AuditLedgers {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLedgers.class);

    private AuditLedgers() {
    }

    /**
     * The configured ledger behind an {@link Audit}. Netty's threads (event loops are {@link
     * FastThreadLocalThread}s) never wait for queue space: their events go in over capacity.
     * A damaged tail found on open was already recorded by the ledger; it is logged here for
     * the operator.
     */
    public static Audit open(ServerConfig.Ledger config) throws LedgerException {
        LedgerSink sink = switch (config.mode()) {
            case NULL -> new NullLedger();
            case STDOUT -> new StdoutLedger();
            case FILE -> openFile(config);
        };
        return new Audit(Ledger.start(sink,
                QueueOptions.defaults().withNonBlocking(thread -> thread instanceof FastThreadLocalThread)));
    }

    private static FileLedger openFile(ServerConfig.Ledger config) throws LedgerException {
        FileLedgerConfig defaults = FileLedgerConfig.defaults(config.directory());
        FileLedger ledger = FileLedger.open(new FileLedgerConfig(defaults.directory(), config.prefix(), defaults.fsync(),
                defaults.maxFileBytes(), defaults.maxFileAge(), defaults.clock()));
        ledger.damageFound().ifPresent(damage -> LOG.warn(
                "audit ledger: {}:{}: {}: {}; left as it is, recorded in {} (the chain goes on from the last good record)",
                damage.file(), damage.line(), damage.kind(), damage.message(), damage.acknowledgedIn().getFileName()));
        LOG.info("audit ledger: appending to {}", ledger.currentFile());
        return ledger;
    }
}
