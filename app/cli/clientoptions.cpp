// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientoptions.h"

#include "guiprofiles.h"
#include "output.h"

#include "auth/cryptosign.h"
#include "codec/serializer.h"
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <QLoggingCategory>

namespace wb::cli {

using namespace wb::wamp;
using settings::ConnectionProfile;

void addClientOptions(QCommandLineParser &p)
{
    p.addHelpOption();
    p.addOption({s("profile"), s("Connect as the window's saved profile NAME (a name or an id, see 'wampscope-cli profiles'); "
                                 "options given here override it."), s("NAME")});
    p.addOption({s("url"), s("Router URL: ws://host:port/path, wss://host:port/path, rs://host:port, rss://host:port, unix:///path (default ws://127.0.0.1:8080/ws)."), s("URL"), s("ws://127.0.0.1:8080/ws")});
    p.addOption({s("ca-file"), s("wss/rss: also trust the CA certificate(s) in this PEM file (besides the system CAs)."), s("FILE")});
    p.addOption({s("insecure"), s("wss/rss: accept any server certificate (self-signed, unknown CA, wrong host). For tests only.")});
    p.addOption({s("pin-sha256"), s("wss/rss: accept only the server certificate with this SHA-256 fingerprint (hex, colons optional), even if self-signed."), s("HEX")});
    p.addOption({s("realm"), s("Realm to join (default realm1)."), s("REALM"), s("realm1")});
    p.addOption({s("serializer"), s("json, msgpack or cbor (default json)."), s("NAME"), s("json")});
    p.addOption({s("authmethod"), s("anonymous, ticket, wampcra, cryptosign or scram (default anonymous)."), s("METHOD"), s("anonymous")});
    p.addOption({s("authid"), s("Authentication ID (user name); optional for cryptosign."), s("ID")});
    p.addOption({s("authrole"), s("Requested role (the router may ignore it)."), s("ROLE")});
    p.addOption({s("secret"), s("Ticket, WAMP-CRA secret or SCRAM password. Prefer the WAMPSCOPE_SECRET environment variable: it stays out of shell history."), s("SECRET")});
    p.addOption({s("private-key"), s("cryptosign: Ed25519 private key (32-byte seed, 64 hex). WAMPSCOPE_SECRET may hold it instead."), s("HEX")});
    p.addOption({s("private-key-file"), s("cryptosign: private key file (from 'wampscope-cli keygen --output'; mode 0600)."), s("PATH")});
    p.addOption({s("option"), s("Extra request option KEY=VALUE (VALUE parsed as JSON when valid). Repeatable."), s("KEY=VALUE")});
    p.addOption({s("max-message-size"), s("Largest message accepted from the router, in bytes (default 16 MiB)."), s("BYTES")});
    p.addOption({s("connect-timeout"), s("Seconds to wait for the connection and session (default 10)."), s("SECONDS"), s("10")});
    p.addOption({{s("v"), s("verbose")}, s("Print every WAMP message sent and received on stderr.")});
}

std::optional<int> parseOrHelp(QCommandLineParser &p, const QStringList &arguments)
{
    if (!p.parse(arguments)) {
        err(p.errorText());
        return ExitUsage;
    }
    if (p.isSet(s("help"))) {
        out(p.helpText());
        return ExitOk;
    }
    return std::nullopt;
}

bool parseKeyValues(const QStringList &items, Dict &into, const QString &flag)
{
    for (const QString &kv : items) {
        const qsizetype eq = kv.indexOf(u'=');
        if (eq <= 0) {
            err(s("%1 expects KEY=VALUE, got '%2'").arg(flag, kv));
            return false;
        }
        into.insert(kv.left(eq), parseArg(kv.mid(eq + 1)));
    }
    return true;
}

namespace {

/// The value of --\a flag, or the profile's field when a profile is used and the flag is not given.
QString pick(const QCommandLineParser &p, const char *flag, const ConnectionProfile *profile, QString ConnectionProfile::*field)
{
    return profile && !p.isSet(s(flag)) ? profile->*field : p.value(s(flag));
}

/// The secret flags and WAMPSCOPE_SECRET come first; the keychain is asked only when they are all empty.
bool secretFromProfile(const ConnectionProfile *profile, QString &secret, int &rc)
{
    if (!profile || !secret.isEmpty())
        return true;
    const Result<QString> read = readProfileSecret(*profile);
    if (!read) {
        err(read.errorString());
        rc = ExitUsage;
        return false;
    }
    secret = *read;
    return true;
}

/// --authmethod and its credentials (--authid, --secret / WAMPSCOPE_SECRET, --private-key[-file], the profile's).
int parseClientAuth(const QCommandLineParser &p, session::ClientAuth &a, const ConnectionProfile *profile)
{
    static const QStringList methods = {s("anonymous"), s("ticket"), s("wampcra"), s("cryptosign"), s("scram")};
    a.method = pick(p, "authmethod", profile, &ConnectionProfile::authMethod);
    if (!methods.contains(a.method)) {
        err(s("--authmethod must be anonymous, ticket, wampcra, cryptosign or scram, got '%1'").arg(a.method));
        return ExitUsage;
    }
    a.authid = pick(p, "authid", profile, &ConnectionProfile::authid);
    a.authrole = pick(p, "authrole", profile, &ConnectionProfile::authrole);
    if ((p.isSet(s("private-key")) || p.isSet(s("private-key-file"))) && a.method != u"cryptosign") {
        err(s("--private-key and --private-key-file need --authmethod cryptosign"));
        return ExitUsage;
    }
    int rc = ExitOk;
    if (a.method == u"cryptosign") {
        if (p.isSet(s("private-key")) && p.isSet(s("private-key-file"))) {
            err(s("give either --private-key or --private-key-file, not both"));
            return ExitUsage;
        }
        if (p.isSet(s("private-key-file"))) {
            const auto seed = auth::readPrivateKeyFile(p.value(s("private-key-file")));
            if (!seed) {
                err(seed.errorString());
                return ExitUsage;
            }
            a.privateKey = *seed;
            return ExitOk;
        }
        QString hex = p.isSet(s("private-key")) ? p.value(s("private-key")) : qEnvironmentVariable("WAMPSCOPE_SECRET");
        if (!secretFromProfile(profile, hex, rc))
            return rc;
        if (hex.isEmpty()) {
            err(s("--authmethod cryptosign needs --private-key, --private-key-file or WAMPSCOPE_SECRET (64 hex)"));
            return ExitUsage;
        }
        const auto seed = auth::decodeHex(hex.trimmed(), auth::kEd25519SeedBytes, s("the private key"));
        if (!seed) {
            err(seed.errorString());
            return ExitUsage;
        }
        a.privateKey = *seed;
        return ExitOk;
    }
    a.secret = p.isSet(s("secret")) ? p.value(s("secret")) : qEnvironmentVariable("WAMPSCOPE_SECRET");
    if (a.method != u"anonymous") {
        if (a.authid.isEmpty()) {
            err(s("--authmethod %1 needs --authid").arg(a.method));
            return ExitUsage;
        }
        if (!secretFromProfile(profile, a.secret, rc))
            return rc;
        if (a.secret.isEmpty()) {
            err(s("--authmethod %1 needs --secret or WAMPSCOPE_SECRET").arg(a.method));
            return ExitUsage;
        }
    }
    return ExitOk;
}

} // namespace

int parseClientCommon(QCommandLineParser &p, ClientCommon &c)
{
    std::optional<ConnectionProfile> profile;
    if (p.isSet(s("profile"))) {
        Result<ConnectionProfile> found = findGuiProfile(p.value(s("profile")));
        if (!found) {
            err(found.errorString());
            return ExitUsage;
        }
        profile = *found;
    }
    const ConnectionProfile *prof = profile ? &*profile : nullptr;
    c.connect.url = prof && !p.isSet(s("url")) ? prof->url : QUrl(p.value(s("url")));
    const QString serializerName = pick(p, "serializer", prof, &ConnectionProfile::serializer);
    const codec::Serializer *ser = codec::serializerByName(serializerName);
    if (!ser) {
        err(s("--serializer must be json, msgpack or cbor, got '%1'").arg(serializerName));
        return ExitUsage;
    }
    c.connect.serializer = ser->id();
    // The profile's TLS trust applies when the URL (its own or --url) uses TLS; each TLS flag overrides its field.
    if (prof && transport::isSecureUrl(c.connect.url)) {
        c.connect.tls.caFile = prof->tlsCaFile;
        c.connect.tls.acceptAnyCertificate = prof->tlsInsecure;
        c.connect.tls.pinnedSha256 = prof->pinnedSha256();
    }
    if (p.isSet(s("ca-file")) || !prof)
        c.connect.tls.caFile = p.value(s("ca-file"));
    if (p.isSet(s("insecure")) || !prof)
        c.connect.tls.acceptAnyCertificate = p.isSet(s("insecure"));
    if (p.isSet(s("pin-sha256"))) {
        QString hex = p.value(s("pin-sha256"));
        hex.remove(u':');
        c.connect.tls.pinnedSha256 = QByteArray::fromHex(hex.toLatin1());
        if (c.connect.tls.pinnedSha256.size() != 32 || c.connect.tls.pinnedSha256.toHex() != hex.toLower().toLatin1()) {
            err(s("--pin-sha256 must be a SHA-256 fingerprint: 64 hex digits, colons optional"));
            return ExitUsage;
        }
    }
    if ((p.isSet(s("ca-file")) || p.isSet(s("insecure")) || p.isSet(s("pin-sha256"))) && !transport::isSecureUrl(c.connect.url)) {
        err(s("--ca-file, --insecure and --pin-sha256 need a wss:// or rss:// --url"));
        return ExitUsage;
    }
    if (p.isSet(s("max-message-size"))) {
        bool ok = false;
        c.connect.maxMessageSize = p.value(s("max-message-size")).toLongLong(&ok);
        if (!ok || c.connect.maxMessageSize < 512) {
            err(s("--max-message-size must be a number of bytes >= 512"));
            return ExitUsage;
        }
    }
    bool ok = false;
    const double secs = p.value(s("connect-timeout")).toDouble(&ok);
    if (!ok || secs <= 0) {
        err(s("--connect-timeout must be a positive number of seconds"));
        return ExitUsage;
    }
    c.connect.connectTimeoutMs = int(secs * 1000);
    c.session.realm = pick(p, "realm", prof, &ConnectionProfile::realm);
    if (!isValidUri(c.session.realm)) {
        err(s("invalid realm: ") + uriProblem(c.session.realm));
        return ExitUsage;
    }
    if (const int rc = parseClientAuth(p, c.session.auth, prof); rc != ExitOk)
        return rc;
    if (!parseKeyValues(p.values(s("option")), c.options, s("--option")))
        return ExitUsage;
    c.verbose = p.isSet(s("verbose"));
    if (!c.verbose)
        QLoggingCategory::setFilterRules(s("wb.*.debug=false\nwb.*.info=false"));
    return ExitOk;
}

bool parseTarget(const QCommandLineParser &p, const QString &noun, QString &uri, List &args, Dict &kwargs)
{
    const QStringList pos = p.positionalArguments();
    uri = pos.at(1);
    if (!isValidUri(uri)) {
        err(s("invalid %1 URI: ").arg(noun) + uriProblem(uri));
        return false;
    }
    for (qsizetype i = 2; i < pos.size(); ++i)
        args.append(parseArg(pos.at(i)));
    return parseKeyValues(p.values(s("kwarg")), kwargs, s("--kwarg"));
}

bool parseCount(const QCommandLineParser &p, int &count)
{
    count = 0;
    if (!p.isSet(s("count")))
        return true;
    bool ok = false;
    count = p.value(s("count")).toInt(&ok);
    if (!ok || count <= 0) {
        err(s("--count must be a positive number"));
        return false;
    }
    return true;
}

bool parseSeconds(const QCommandLineParser &p, const QString &name, int &ms)
{
    ms = 0;
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const double secs = p.value(name).toDouble(&ok);
    if (!ok || secs <= 0 || secs > 2e6) {
        err(s("--%1 must be a positive number of seconds").arg(name));
        return false;
    }
    ms = int(secs * 1000);
    return true;
}

bool parseMillis(const QCommandLineParser &p, const QString &name, int &ms, int min)
{
    ms = -1;
    if (!p.isSet(name))
        return true;
    bool ok = false;
    ms = p.value(name).toInt(&ok);
    if (!ok || ms < min) {
        err(s("--%1 must be a whole number of milliseconds >= %2").arg(name).arg(min));
        return false;
    }
    return true;
}

bool parseListOption(const QCommandLineParser &p, const QString &name, const QString &key, bool ids, Dict &options)
{
    if (!p.isSet(name))
        return true;
    List items;
    for (const QString &value : p.values(name)) {
        for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
            const QString item = part.trimmed();
            if (!ids) {
                items.append(item);
                continue;
            }
            bool ok = false;
            const quint64 id = item.toULongLong(&ok);
            if (!ok || !isValidId(id)) {
                err(s("--%1 expects session IDs (integers 1..2^53), got '%2'").arg(name, item));
                return false;
            }
            items.append(id);
        }
    }
    options.insert(key, items);
    return true;
}

} // namespace wb::cli
