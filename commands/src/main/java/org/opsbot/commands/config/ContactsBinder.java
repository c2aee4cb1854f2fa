package org.opsbot.commands.config;

import org.opsbot.commands.yaml.YamlMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a team's {@code contacts:}: {@code {name, role, email, phone, channel}} each. */
final class ContactsBinder {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>|]+@[^@\\s<>|]+\\.[^@\\s<>|]+");
    // Digits with the usual separators; a leading + for the country code. Shown as a tel: link.
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()./-]{3,30}");

    private ContactsBinder() {
    }

    static List<Contact> bind(Binder in, YamlMap team, String teamPath) {
        var path = teamPath + ".contacts";
        var out = new ArrayList<Contact>();
        var list = team.get("contacts").flatMap(n -> in.list(n, path));
        if (list.isEmpty()) {
            return out;
        }
        var items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            var itemPath = path + "[" + i + "]";
            var m = in.map(items.get(i), itemPath);
            if (m.isEmpty()) {
                continue;
            }
            var map = m.get();
            in.onlyKeys(map, itemPath, List.of("name", "role", "email", "phone", "channel"));
            var name = in.text(map, "name", itemPath, true);
            var email = checked(in, map, "email", itemPath, EMAIL, "is not an e-mail address",
                    "write it as name@example.com");
            var phone = checked(in, map, "phone", itemPath, PHONE, "is not a phone number",
                    "write digits with an optional leading + and spaces or '-', e.g. \"+49 30 1234567\" (quoted)");
            var channel = checked(in, map, "channel", itemPath, OpsbotConfigBinder.CHANNEL, "is not a channel",
                    "write \"#channel-name\" (quoted: an unquoted # starts a YAML comment) or the channel id (C…)");
            var role = in.text(map, "role", itemPath, false);
            if (name.isPresent() && email.isEmpty() && phone.isEmpty() && channel.isEmpty()
                    && map.get("email").isEmpty() && map.get("phone").isEmpty() && map.get("channel").isEmpty()) {
                in.problem(map.line(), itemPath + " (" + name.get() + ") says nowhere to reach them",
                        "add email:, phone: or channel:");
                continue;
            }
            name.ifPresent(n -> out.add(new Contact(n, role, email, phone, channel)));
        }
        return out;
    }

    private static Optional<String> checked(Binder in, YamlMap map, String key, String path, Pattern shape,
                                            String what, String fix) {
        return in.text(map, key, path, false).flatMap(v -> {
            if (shape.matcher(v).matches()) {
                return Optional.of(v);
            }
            in.problem(map.entry(key).get().line(), path + "." + key + " '" + v + "' " + what, fix);
            return Optional.empty();
        });
    }
}
