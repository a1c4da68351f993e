//! The macro that names each event variant once, for `EventKind` and `Event::kind`; invoked in
//! `event` with the variants in the wire enum's order.

/// Names each event variant once: the fieldless `EventKind` (what rules and corrections name
/// record types by) and `Event::kind`. The stored type name is the variant's name.
macro_rules! event_kinds {
    ($($variant:ident),* $(,)?) => {
        /// An event's type without its payload, in the wire enum's order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum EventKind {
            $($variant),*
        }

        impl EventKind {
            /// Every event type, in the wire enum's order (the variant index is the position).
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant),*];

            /// The stable type name stored in each record.
            pub fn name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => stringify!($variant)),*
                }
            }

            /// The type named `name`, as a record stores it.
            pub fn parse(name: &str) -> Option<EventKind> {
                Self::ALL.iter().copied().find(|kind| kind.name() == name)
            }
        }

        impl Event {
            pub fn kind(&self) -> EventKind {
                match self {
                    $(Event::$variant(_) => EventKind::$variant),*
                }
            }
        }
    };
}

pub(crate) use event_kinds;
