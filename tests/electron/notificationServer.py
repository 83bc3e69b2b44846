#!/usr/bin/env python3
"""A notification server for the real-Electron suite on Linux: it owns
org.freedesktop.Notifications on the session bus, as GNOME Shell or dunst would, writes
every notification it is asked to show as one JSON line to the file given, and clicks
one when a line `click <id>` appears on its standard input (ActionInvoked "default", the
way a person's click reaches Electron). Needs python3-dbus and python3-gi."""
import json
import sys
import threading

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class Notifications(dbus.service.Object):
    def __init__(self, bus, log_path):
        super().__init__(bus, PATH)
        self.log_path = log_path
        self.next_id = 1

    def record(self, entry):
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    @dbus.service.method(BUS_NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        notification_id = int(replaces_id) or self.next_id
        self.next_id = max(self.next_id, notification_id) + 1
        urgency = hints.get("urgency")
        self.record({
            "event": "notify", "id": notification_id, "app": str(app_name), "summary": str(summary),
            "body": str(body), "actions": [str(a) for a in actions],
            "urgency": None if urgency is None else int(urgency), "timeout": int(timeout),
        })
        return notification_id

    @dbus.service.method(BUS_NAME, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        self.record({"event": "close", "id": int(notification_id)})
        self.NotificationClosed(notification_id, 3)

    @dbus.service.method(BUS_NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "actions", "persistence"]

    @dbus.service.method(BUS_NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("switchboard-test-notifications", "switchboard", "1.0", "1.2")

    @dbus.service.signal(BUS_NAME, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    @dbus.service.signal(BUS_NAME, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    server = Notifications(bus, sys.argv[1])
    name = dbus.service.BusName(BUS_NAME, bus, do_not_queue=True)
    loop = GLib.MainLoop()

    def read_commands():
        for line in sys.stdin:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "click":
                GLib.idle_add(server.ActionInvoked, dbus.UInt32(int(parts[1])), "default")
        GLib.idle_add(loop.quit)

    threading.Thread(target=read_commands, daemon=True).start()
    print("ready", flush=True)
    loop.run()
    del name


if __name__ == "__main__":
    main()
