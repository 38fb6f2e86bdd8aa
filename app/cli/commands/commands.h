// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One function per command, one file per command under commands/. \a arguments is the whole command line
// (arguments[0] the program, arguments[1] the command name); each returns the process exit code.
// A new command: a file here, its declaration below, and one row in kCommands (cli.cpp).

#include <QStringList>

namespace wb::cli {

int runRouterCommand(const QStringList &arguments); // also in cli.h: the GUI's headless fallback
int runCall(const QStringList &arguments);
int runPublish(const QStringList &arguments);
int runSubscribe(const QStringList &arguments);
int runRegister(const QStringList &arguments);
int runMeta(const QStringList &arguments); // meta and sessions
int runKill(const QStringList &arguments);
int runKeygen(const QStringList &arguments);
int runScramHash(const QStringList &arguments);
int runProfiles(const QStringList &arguments);

} // namespace wb::cli
