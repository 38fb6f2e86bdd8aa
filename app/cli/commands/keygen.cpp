// SPDX-License-Identifier: GPL-3.0-or-later
// keygen: an Ed25519 key pair for WAMP-cryptosign (router config users[].authorized_keys); no connection.

#include "commands/commands.h"

#include "clientoptions.h"
#include "output.h"

#include "auth/cryptosign.h"

#include <QCommandLineParser>

namespace wb::cli {

using namespace wb::wamp;

int runKeygen(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Create a new Ed25519 key pair for WAMP-cryptosign and print it as one JSON line:\n"
                                  "  {\"private_key\": <64 hex seed>, \"public_key\": <64 hex>}\n"
                                  "With --output the private key goes only into FILE (mode 0600; never overwritten) and the\n"
                                  "line is {\"public_key\": ..., \"private_key_file\": FILE}. Put the public key into the router\n"
                                  "config (users[].authorized_keys); connect with --private-key-file FILE."));
    p.addHelpOption();
    p.addPositionalArgument(s("keygen"), s("The command."));
    p.addOption({{s("o"), s("output")}, s("Write the private key file here (tagged format, see README)."), s("FILE")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    if (p.positionalArguments().size() != 1) {
        err(s("keygen takes no arguments"));
        return ExitUsage;
    }
    const auth::Ed25519KeyPair key = auth::generateEd25519KeyPair();
    const QString pub = QString::fromLatin1(key.publicKey.toHex());
    if (p.isSet(s("output"))) {
        const Status written = auth::writePrivateKeyFile(p.value(s("output")), key);
        if (!written) {
            err(written.errorString());
            return ExitUsage;
        }
        out(jsonLine(Dict{{s("public_key"), pub}, {s("private_key_file"), p.value(s("output"))}}));
        return ExitOk;
    }
    out(jsonLine(Dict{{s("private_key"), QString::fromLatin1(key.seed.toHex())}, {s("public_key"), pub}}));
    return ExitOk;
}

} // namespace wb::cli
