package io.commucat.ccp.proto;

/** Whether a frame type carries a JSON control object or opaque bytes (spec §2.1). */
public enum PayloadKind {
    CONTROL,
    OPAQUE
}
