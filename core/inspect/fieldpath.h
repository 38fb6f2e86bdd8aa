// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Field paths into an event or call payload, as typed by users for the live plot and mock templates:
// `args[0]`, `kwargs.temp`, `kwargs.sensor.values[2]`, `args[1].name`. The root is the dict
// {"args": [...], "kwargs": {...}} (payloadRoot()). Keys may be quoted: `kwargs["a.b"]`.

#include "wamp/result.h"
#include "wamp/value.h"

#include <QStringList>
#include <variant>

namespace wb::inspect {

class FieldPath
{
public:
    using Step = std::variant<QString, qsizetype>; ///< dict key or list index

    static Result<FieldPath> parse(const QString &text);
    /// The value at the path, or an error naming the missing step.
    Result<wamp::Value> extract(const wamp::Value &root) const;
    const QList<Step> &steps() const { return m_steps; }
    QString text() const { return m_text; }

private:
    QList<Step> m_steps;
    QString m_text;
};

/// {"args": args, "kwargs": kwargs}
wamp::Value payloadRoot(const wamp::List &args, const wamp::Dict &kwargs);

} // namespace wb::inspect
