package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.storage.FriendEntry;
import io.commucat.ccp.server.storage.FriendRequest;
import io.commucat.ccp.server.storage.User;
import java.util.List;

/** The original's JSON shapes for friends, requests and users. Stateless. */
final class ContactsJson {

    private ContactsJson() {
    }

    /** {@code [{"user_id","alias"?}]}: the alias left out when there is none, as the original does. */
    static ArrayNode friends(List<FriendEntry> friends) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (FriendEntry entry : friends) {
            ObjectNode item = array.addObject();
            item.put("user_id", entry.userId());
            if (entry.alias() != null) {
                item.put("alias", entry.alias());
            }
        }
        return array;
    }

    /** {@code {"id","from_user_id","to_user_id","status","message","created_at","updated_at"}} (message null when none). */
    static ObjectNode request(FriendRequest request) {
        ObjectNode json = Json.object();
        json.put("id", request.id());
        json.put("from_user_id", request.fromUserId());
        json.put("to_user_id", request.toUserId());
        json.put("status", request.status().label());
        json.put("message", request.message());
        json.put("created_at", request.createdAt().toString());
        json.put("updated_at", request.updatedAt().toString());
        return json;
    }

    static ArrayNode requests(List<FriendRequest> requests) {
        ArrayNode array = Json.mapper().createArrayNode();
        requests.forEach(r -> array.add(request(r)));
        return array;
    }

    /** {@code {"user_id","handle","display_name","avatar_url"}} (null where unset). */
    static ObjectNode user(User user) {
        ObjectNode json = Json.object();
        json.put("user_id", user.id());
        json.put("handle", user.handle());
        json.put("display_name", user.displayName());
        json.put("avatar_url", user.avatarUrl());
        return json;
    }
}
