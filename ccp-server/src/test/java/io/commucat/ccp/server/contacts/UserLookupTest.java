package io.commucat.ccp.server.contacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.storage.User;
import io.commucat.ccp.server.storage.jdbc.JdbcStoreExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Resolving a {@code {user}} path parameter, on the embedded database. */
class UserLookupTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    private UserLookup lookup;
    private User alice;
    private User mailLike;

    @BeforeEach
    void users() throws Exception {
        var directory = DATABASE.store().directory();
        alice = directory.createUser(new User("u-alice", "alice", null, null, T0));
        mailLike = directory.createUser(new User("u-mail", "bob@elsewhere.example", null, null, T0));
        lookup = new UserLookup(directory, "Chat.Example");
    }

    @Test
    void aUserIsFoundByIdOrHandle() throws Exception {
        assertEquals(Optional.of(alice), lookup.find("u-alice"));
        assertEquals(Optional.of(alice), lookup.find("alice"));
        assertEquals(Optional.of(alice), lookup.find(" alice "));
    }

    @Test
    void aHandleAtThisDomainIsThatHandleIgnoringCase() throws Exception {
        assertEquals(Optional.of(alice), lookup.find("alice@chat.example"));
        assertEquals(Optional.empty(), lookup.find("ghost@CHAT.example"));
    }

    @Test
    void aHandleThatContainsAnAtIsMatchedWholeFirst() throws Exception {
        assertEquals(Optional.of(mailLike), lookup.find("bob@elsewhere.example"));
    }

    @Test
    void anotherDomainIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> lookup.find("carol@elsewhere.example"));

        assertEquals(ApiException.Kind.BAD_REQUEST, e.kind());
    }

    @Test
    void nameWithoutADomainPartIsNotSplit() throws Exception {
        assertEquals(Optional.empty(), lookup.find("alice@"));
        assertEquals(Optional.empty(), lookup.find("@chat.example"));
    }

    @Test
    void anUnknownNameIsNotFound() {
        ApiException e = assertThrows(ApiException.class, () -> lookup.require("nobody"));

        assertEquals(ApiException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void aBlankOrOverlongNameIsABadRequest() {
        assertEquals(ApiException.Kind.BAD_REQUEST, assertThrows(ApiException.class, () -> lookup.find("  ")).kind());
        assertEquals(ApiException.Kind.BAD_REQUEST,
                assertThrows(ApiException.class, () -> lookup.find("x".repeat(256))).kind());
    }
}
