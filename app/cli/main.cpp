// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("wampscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WAMPSCOPE_VERSION));
    return wb::cli::run(app);
}
