package io.commucat.ccp.server.pairing;

import io.commucat.ccp.crypto.keys.PairingClaimProof;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * A pairing code (rest.md "POST /api/pair"): 8 symbols of {@link #ALPHABET}, shown as
 * four symbols, a hyphen, four symbols ({@code KQ7M-3XTD}). Claims match it ignoring case, spaces and hyphens. The server keeps only
 * its keyed hash ({@link PairCodeKey}); {@link #toString()} never shows the code, so it cannot
 * slip into a log.
 * Immutable.
 */
public final class PairCode {

    /** No I, L, O, 0 or 1: nothing a reader can confuse. 31 symbols, 8 of them: ~39.6 bits. */
    public static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public static final int LENGTH = 8;
    /** The longest text a claim may send for a code (spaces and hyphens included). */
    public static final int MAX_INPUT_LENGTH = 64;
    /** What a claim's {@code proof} signs, before the normalised code. */
    public static final String CLAIM_CONTEXT = PairingClaimProof.CONTEXT;

    private final String symbols;

    private PairCode(String symbols) {
        this.symbols = symbols;
    }

    /**
     * A fresh code. Each symbol is {@code random.nextInt(31)}, which rejects and redraws rather
     * than reducing modulo 31, so every symbol is equally likely (the original's
     * {@code byte % 31} favours the first eight).
     */
    public static PairCode generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        char[] code = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            code[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new PairCode(new String(code));
    }

    /**
     * The code a claim names: ASCII letters in either case and digits of the alphabet, with any
     * number of spaces and hyphens anywhere. Anything else, or not exactly 8 symbols, is empty.
     */
    public static Optional<PairCode> parse(String text) {
        if (text == null || text.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        StringBuilder symbols = new StringBuilder(LENGTH);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            // ASCII only: String.toUpperCase would turn 'ß' into "SS" and admit it.
            char upper = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
            if (ALPHABET.indexOf(upper) < 0 || symbols.length() == LENGTH) {
                return Optional.empty();
            }
            symbols.append(upper);
        }
        return symbols.length() == LENGTH ? Optional.of(new PairCode(symbols.toString())) : Optional.empty();
    }

    /** The 8 symbols, upper case, without separators. */
    public String normalised() {
        return symbols;
    }

    /** Four symbols, a hyphen, four symbols, as the response shows it. */
    public String display() {
        return symbols.substring(0, LENGTH / 2) + "-" + symbols.substring(LENGTH / 2);
    }

    /** The ledger name of the code with this stored hash. */
    public static String idOf(String codeHash) {
        return codeHash.substring(0, 16);
    }

    /** The bytes a claim's {@code proof} signs: ASCII {@code ccp-pair-claim:} and the normalised code. */
    public byte[] claimMessage() {
        return PairingClaimProof.message(symbols);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PairCode that && symbols.equals(that.symbols);
    }

    @Override
    public int hashCode() {
        return symbols.hashCode();
    }

    @Override
    public String toString() {
        return "PairCode[<redacted>]";
    }
}
