package io.commucat.ccp.ledger;

import java.util.Set;

/** Names of the fields the ledger itself writes into every record, and of its own events. */
final class RecordFields {

    static final String SEQ = "seq";
    static final String RECORDED_AT = "recorded_at";
    static final String SCOPE = "scope";
    static final String ACTION = "action";
    static final String RESULT = "result";
    static final String PREV = "prev";
    static final String HASH = "hash";

    static final Set<String> RESERVED = Set.of(SEQ, RECORDED_AT, SCOPE, ACTION, RESULT, PREV, HASH);

    /** Scope of the records the ledger writes about itself. */
    static final String LEDGER_SCOPE = "ledger";
    /** First record of a file opened by rotation. */
    static final String ROTATE = "rotate";
    /** First record of a file opened because the previous one had a damaged tail. */
    static final String RECOVER = "recover";
    static final String PREVIOUS_FILE = "previous_file";
    static final String DAMAGED_LINE = "damaged_line";
    static final String DAMAGE = "damage";
    static final String DETAIL = "detail";

    private RecordFields() {
    }
}
