package org.opsbot.commands.yaml;

/**
 * A YAML value that remembers the 1-based line it was written on, so that every problem found
 * later (a bad reference, a wrong type) can point at the line a person has to change.
 */
public sealed interface YamlNode permits YamlMap, YamlList, YamlScalar {

    int line();

    /** What the node is, in the words of an error message ("a list", "a mapping", "text"). */
    String describe();
}
