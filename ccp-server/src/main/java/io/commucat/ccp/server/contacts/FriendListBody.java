package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.storage.Contacts;
import io.commucat.ccp.server.storage.FriendEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code PUT /api/friends}: {@code {"friends":[{"user_id","alias"?}]}}, validated
 * as the original does (an entry has only {@code user_id} and {@code alias}, {@code handle} is
 * refused, ids are trimmed, a blank alias is none, no id twice), plus bounds on the count and the
 * lengths. Details name the entry by its index and never echo what it holds.
 */
final class FriendListBody {

    /** The longest alias kept. */
    static final int MAX_ALIAS_LENGTH = 256;

    private FriendListBody() {
    }

    static List<FriendEntry> parse(JsonBody body) throws ApiException {
        JsonNode friends = body.root().get("friends");
        if (friends == null || friends.isNull()) {
            throw ApiException.badRequest("friends is required");
        }
        if (!friends.isArray()) {
            throw ApiException.badRequest("friends must be an array");
        }
        if (friends.size() > Contacts.MAX_FRIENDS) {
            throw ApiException.badRequest("friends must have at most " + Contacts.MAX_FRIENDS + " entries");
        }
        List<FriendEntry> entries = new ArrayList<>(friends.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < friends.size(); i++) {
            FriendEntry entry = entry(friends.get(i), "friends[" + i + "]");
            Integer earlier = seen.putIfAbsent(entry.userId(), i);
            if (earlier != null) {
                throw ApiException.badRequest("friends[" + i + "].user_id repeats friends[" + earlier + "].user_id");
            }
            entries.add(entry);
        }
        return entries;
    }

    private static FriendEntry entry(JsonNode value, String name) throws ApiException {
        if (!value.isObject()) {
            throw ApiException.badRequest(name + " must be a JSON object");
        }
        if (value.has("handle")) {
            throw ApiException.badRequest(name + ".handle is not supported; give user_id");
        }
        for (Iterator<String> fields = value.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("user_id") && !field.equals("alias")) {
                throw ApiException.badRequest(name + " may only have user_id and alias");
            }
        }
        JsonNode userId = value.get("user_id");
        if (userId == null || userId.isNull()) {
            throw ApiException.badRequest(name + ".user_id is required");
        }
        if (!userId.isTextual()) {
            throw ApiException.badRequest(name + ".user_id must be a string");
        }
        String id = userId.textValue().trim();
        if (id.isEmpty()) {
            throw ApiException.badRequest(name + ".user_id must be a non-empty string");
        }
        if (id.length() > UserLookup.MAX_LENGTH) {
            throw ApiException.badRequest(name + ".user_id must be at most " + UserLookup.MAX_LENGTH + " characters");
        }
        if (JsonBody.hasControlCharacter(id)) {
            throw ApiException.badRequest(name + ".user_id must not contain control characters");
        }
        return new FriendEntry(id, alias(value.get("alias"), name));
    }

    private static String alias(JsonNode alias, String name) throws ApiException {
        if (alias == null || alias.isNull()) {
            return null;
        }
        if (!alias.isTextual()) {
            throw ApiException.badRequest(name + ".alias must be a string");
        }
        String text = alias.textValue().trim();
        if (text.length() > MAX_ALIAS_LENGTH) {
            throw ApiException.badRequest(name + ".alias must be at most " + MAX_ALIAS_LENGTH + " characters");
        }
        if (JsonBody.hasControlCharacter(text)) {
            throw ApiException.badRequest(name + ".alias must not contain control characters");
        }
        return text.isEmpty() ? null : text;
    }
}
