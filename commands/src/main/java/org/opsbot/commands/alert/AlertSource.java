package org.opsbot.commands.alert;

/** Where an alert came from; decides how its payload is read and how it is grouped. */
public enum AlertSource {
    ALERTMANAGER,
    GRAFANA,
    GENERIC
}
