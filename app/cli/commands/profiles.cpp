// SPDX-License-Identifier: GPL-3.0-or-later
// profiles: the window's saved connection profiles, the names --profile accepts. Never prints a secret
// (profiles hold none: secrets live in the OS keychain).

#include "commands/commands.h"

#include "clientoptions.h"
#include "guiprofiles.h"
#include "output.h"

#include <QCommandLineParser>

namespace wb::cli {

using namespace wb::wamp;

int runProfiles(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("List the connection profiles saved by the Wampscope window, one JSON line each:\n"
                                  "{\"authmethod\":...,\"id\":...,\"name\":...,\"realm\":...,\"url\":...}. Use a name or an id\n"
                                  "with --profile. The profiles are read from $WAMPSCOPE_SETTINGS (an INI file) when set,\n"
                                  "else from the window's own settings."));
    p.addHelpOption();
    p.addPositionalArgument(s("profiles"), s("The command."));
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    if (p.positionalArguments().size() != 1) {
        err(s("profiles takes no arguments"));
        return ExitUsage;
    }
    const QList<settings::ConnectionProfile> profiles = loadGuiProfiles();
    if (profiles.isEmpty())
        err(s("no saved profiles in %1").arg(guiSettingsLocation()));
    for (const settings::ConnectionProfile &profile : profiles)
        out(jsonLine(Dict{{s("name"), profile.name},
                          {s("id"), profile.id},
                          {s("url"), profile.url.toString()},
                          {s("realm"), profile.realm},
                          {s("authmethod"), profile.authMethod}}));
    return ExitOk;
}

} // namespace wb::cli
