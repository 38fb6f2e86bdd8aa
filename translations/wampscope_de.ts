<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/main.cpp" line="+80"/>
        <source>The built-in router could not start: %1</source>
        <translation>Der eingebaute Router konnte nicht starten: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Built-in router</source>
        <translation>Eingebauter Router</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The built-in router could not start:
%1

Is another router using the port?</source>
        <translation>Der eingebaute Router konnte nicht starten:
%1

Benutzt ein anderer Router den Port?</translation>
    </message>
</context>
<context>
    <name>wb::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+23"/>
        <source>Wampscope</source>
        <translation>Wampscope</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Realm</source>
        <translation>Realm</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Auth ID</source>
        <translation>Auth-ID</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Serializer</source>
        <translation>Serialisierer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Peer</source>
        <translation>Gegenstelle</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Router events appear here.</source>
        <translation>Router-Ereignisse erscheinen hier.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Built-in router: not running</source>
        <translation>Eingebauter Router: läuft nicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Router stopped</source>
        <translation>Router angehalten</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Built-in router: not listening</source>
        <translation>Eingebauter Router: lauscht nicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Built-in router listening on %1</source>
        <translation>Eingebauter Router lauscht auf %1</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n Sitzung</numerusform>
            <numerusform>%n Sitzungen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>session %1 joined realm %2 as %3 (%4)</source>
        <translation>Sitzung %1 hat Realm %2 als %3 (%4) betreten</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>session %1 left realm %2: %3</source>
        <translation>Sitzung %1 hat Realm %2 verlassen: %3</translation>
    </message>
</context>
</TS>
