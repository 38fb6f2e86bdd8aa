// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to routerconfig.cpp (defaults, validate) and routerconfigreader.cpp (JSON reading).

#include "routerconfig.h"

namespace wb::router {

inline Error configError(const QString &message)
{
    return Error{QStringLiteral("config.invalid"), QStringLiteral("config: ") + message};
}

} // namespace wb::router
