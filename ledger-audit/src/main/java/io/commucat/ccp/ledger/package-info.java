/** Tamper-evident audit ledger (issue #11); starts empty so the reactor builds. */
package io.commucat.ccp.ledger;
