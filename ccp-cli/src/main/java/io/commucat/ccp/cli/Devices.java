package io.commucat.ccp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.DeviceInfo;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code devices [--json]}: this user's devices, as a table or as JSON. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the devices of this device's user (the current one marked *).")
final class Devices implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    private CliMain main;

    @Option(names = "--json", description = "One JSON array instead of the table, for scripts.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        List<DeviceInfo> devices;
        try (CcpClient client = main.client()) {
            devices = CliMain.await(client.devices());
        }
        if (json) {
            main.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(devices)));
        } else {
            printTable(devices);
        }
        return ExitStatus.OK;
    }

    private void printTable(List<DeviceInfo> devices) {
        int idWidth = "DEVICE".length();
        for (DeviceInfo device : devices) {
            idWidth = Math.max(idWidth, Text.printable(device.deviceId()).length());
        }
        String row = "%-" + idWidth + "s  %-8s  %-6s  %-7s  %s%n";
        main.out.printf(row, "DEVICE", "STATUS", "ONLINE", "CURRENT", "NAME");
        for (DeviceInfo device : devices) {
            main.out.printf(row, Text.printable(device.deviceId()), Text.printable(device.status()),
                    device.online() ? "yes" : "no", device.current() ? "*" : "",
                    device.name() == null ? "" : Text.printable(device.name()));
        }
    }

    private static ArrayNode toJson(List<DeviceInfo> devices) {
        ArrayNode array = JSON.createArrayNode();
        for (DeviceInfo device : devices) {
            ObjectNode node = array.addObject();
            node.put("device_id", device.deviceId());
            node.put("status", device.status());
            node.put("current", device.current());
            node.put("online", device.online());
            node.put("name", device.name());
            node.put("created_at", text(device.createdAt()));
            node.put("last_seen", text(device.lastSeen()));
        }
        return array;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
