// SPDX-License-Identifier: GPL-3.0-or-later
// scram-hash: the stored WAMP-SCRAM credentials of a router config users entry, from a password; no connection.

#include "commands/commands.h"

#include "clientoptions.h"
#include "output.h"

#include "auth/scram.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <cstdio>

namespace wb::cli {

using namespace wb::wamp;

int runScramHash(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Derive WAMP-SCRAM credentials from a password and print the router config users entry\n"
                                  "as one JSON line (salt, stored_key, server_key: the password itself is not in it).\n"
                                  "The password comes from PASSWORD, else WAMPSCOPE_SECRET, else one line of stdin."));
    p.addHelpOption();
    p.addPositionalArgument(s("scram-hash"), s("The command."));
    p.addPositionalArgument(s("PASSWORD"), s("The password (prefer WAMPSCOPE_SECRET or stdin)."), s("[PASSWORD]"));
    p.addOption({s("kdf"), s("argon2id-13 (alias argon2id; default) or pbkdf2."), s("KDF"), s("argon2id-13")});
    p.addOption({s("iterations"), s("KDF cost: argon2id passes (default 2) or pbkdf2 rounds (default 100000)."), s("N")});
    p.addOption({s("memory"), s("argon2id memory in KiB (default 65536)."), s("KIB")});
    p.addOption({s("salt"), s("Salt, base64 (default: 16 random bytes)."), s("BASE64")});
    p.addOption({s("authid"), s("Put this authid into the entry."), s("ID")});
    p.addOption({s("authrole"), s("Put this authrole into the entry."), s("ROLE")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() > 2) {
        err(s("scram-hash takes at most one PASSWORD"));
        return ExitUsage;
    }
    QString kdf = p.value(s("kdf"));
    if (kdf == u"argon2id")
        kdf = auth::kScramKdfArgon2id;
    if (kdf != auth::kScramKdfArgon2id && kdf != auth::kScramKdfPbkdf2) {
        err(s("--kdf must be argon2id-13 or pbkdf2, got '%1'").arg(kdf));
        return ExitUsage;
    }
    auth::ScramParams params = auth::defaultScramParams(kdf);
    for (const auto &[name, field] : {std::pair{s("iterations"), &params.iterations}, std::pair{s("memory"), &params.memory}}) {
        if (!p.isSet(name))
            continue;
        bool ok = false;
        *field = p.value(name).toInt(&ok);
        if (!ok || *field <= 0) {
            err(s("--%1 must be a positive number").arg(name));
            return ExitUsage;
        }
    }
    if (p.isSet(s("memory")) && kdf != auth::kScramKdfArgon2id) {
        err(s("--memory is only used with --kdf argon2id-13"));
        return ExitUsage;
    }
    if (p.isSet(s("salt")))
        params.salt = p.value(s("salt"));
    const Status valid = auth::checkScramParams(params);
    if (!valid) {
        err(valid.errorString());
        return ExitUsage;
    }
    QString password = pos.size() == 2 ? pos.at(1) : qEnvironmentVariable("WAMPSCOPE_SECRET");
    if (pos.size() < 2 && password.isEmpty()) {
        QTextStream in(stdin);
        password = in.readLine();
    }
    if (password.isEmpty()) {
        err(s("scram-hash needs a password: PASSWORD, WAMPSCOPE_SECRET or a line on stdin"));
        return ExitUsage;
    }
    const auto keys = auth::scramDeriveKeys(password, params);
    if (!keys) {
        err(keys.errorString());
        return ExitUsage;
    }
    Dict entry{{s("authmethod"), s("scram")},
               {s("kdf"), params.kdf},
               {s("salt"), params.salt},
               {s("iterations"), qint64(params.iterations)},
               {s("stored_key"), QString::fromLatin1(keys->storedKey.toHex())},
               {s("server_key"), QString::fromLatin1(keys->serverKey.toHex())}};
    if (kdf == auth::kScramKdfArgon2id)
        entry.insert(s("memory"), qint64(params.memory));
    if (p.isSet(s("authid")))
        entry.insert(s("authid"), p.value(s("authid")));
    if (p.isSet(s("authrole")))
        entry.insert(s("authrole"), p.value(s("authrole")));
    out(jsonLine(entry));
    return ExitOk;
}

} // namespace wb::cli
