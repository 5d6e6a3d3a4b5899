package io.commucat.ccp.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TOML file into a flat map from dotted key ({@code security.rate_limit.http_burst})
 * to value: {@code String}, {@code BigInteger}, {@code BigDecimal} ({@code Double} for TOML's
 * {@code inf} and {@code nan}, which have no decimal form), {@code Boolean} or {@code List}
 * (which no key accepts). Flattening lets one lookup serve file, environment
 * and flags alike.
 */
final class TomlFile {

    private static final TomlMapper MAPPER = new TomlMapper();

    private TomlFile() {
    }

    static Map<String, Object> read(Path file) throws ConfigException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ")";
            throw new ConfigException(ConfigException.Kind.SYNTAX, null,
                    "config file " + file + ": not valid TOML" + where + ": " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException e) {
            throw new ConfigException(ConfigException.Kind.UNREADABLE_FILE, null, "config file " + file + ": no such file", e);
        } catch (IOException e) {
            throw new ConfigException(ConfigException.Kind.UNREADABLE_FILE, null,
                    "config file " + file + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root != null) {
            flatten("", root, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, out);
            } else {
                out.put(key, leaf(value));
            }
        }
    }

    private static Object leaf(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isNumber()) {
            // A binary float that is inf or nan has no decimal form.
            boolean binary = value.isDouble() || value.isFloat();
            return binary && !Double.isFinite(value.doubleValue()) ? (Object) value.doubleValue() : value.decimalValue();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(v -> items.add(leaf(v)));
            return List.copyOf(items);
        }
        // Strings, and TOML dates which Jackson hands over as text.
        return value.asText();
    }
}
