"""Fill in and compile the Spanish catalogue of the accounts pages.

    python src/expediente_web/accounts/locale/update_catalogue.py

Collect first with Django's makemessages in `src/expediente_web/accounts` (`-l es`, needs GNU
gettext); this fills the entries it knows from ES below and compiles `django.mo` with polib.
"""

from __future__ import annotations

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent / "es" / "LC_MESSAGES" / "django.po"

# Long English and Spanish sentences, split where they read well.
# fmt: off
ES: dict[str, str | list[str]] = {
    "Wrong user name or password.": "Usuario o contraseña incorrectos.",
    "This account is inactive.": "Esta cuenta está desactivada.",
    "User name": "Usuario",
    "Password": "Contraseña",
    "Code": "Código",
    "Code from your authenticator app, or a recovery code":
        "Código de su aplicación de autenticación, o un código de recuperación",
    "Current password": "Contraseña actual",
    "New password": "Contraseña nueva",
    "New password again": "Repita la contraseña nueva",
    "The two new passwords differ.": "Las dos contraseñas nuevas no coinciden.",
    "Password again": "Repita la contraseña",
    "The two passwords differ.": "Las dos contraseñas no coinciden.",
    "Role": "Rol",
    "Access until (inclusive)": "Acceso hasta (inclusive)",
    "Required for partners; empty: no end.": "Obligatorio para socios externos; vacío: sin fin.",
    "An existing user is added to the case; a new name gets an account and a one-time "
    "invitation link.":
        "Un usuario que ya existe se añade al caso; un nombre nuevo recibe una cuenta y un "
        "enlace de invitación de un solo uso.",
    "E-mail (optional)": "Correo electrónico (opcional)",
    "Join the case": "Unirse al caso",
    "Join the case %(case)s": "Unirse al caso %(case)s",
    "Choose the password of your account <strong>%(user)s</strong>. The link works once.":
        "Elija la contraseña de su cuenta <strong>%(user)s</strong>. El enlace funciona una "
        "sola vez.",
    "Your role lets you see protected fields: after the password you will set up a second "
    "step of sign-in with an authenticator app.":
        "Su rol le permite ver datos protegidos: después de la contraseña configurará un "
        "segundo paso de acceso con una aplicación de autenticación.",
    "At least 12 characters; not a common password, not only digits, not like your user "
    "name.":
        "Al menos 12 caracteres; no una contraseña común, no solo cifras, no parecida a su "
        "usuario.",
    "Set the password": "Fijar la contraseña",
    "Your account": "Su cuenta",
    "Change your password": "Cambiar su contraseña",
    "Two-step sign-in": "Acceso en dos pasos",
    "On: authenticator app": "Activado: aplicación de autenticación",
    "Set up another app instead": "Configurar otra aplicación en su lugar",
    "Needed for your role, not set up yet": "Necesario para su rol, aún sin configurar",
    "Set it up": "Configurarlo",
    "Off": "Desactivado",
    "Recovery codes": "Códigos de recuperación",
    "%(left)s unused": ["%(left)s sin usar", "%(left)s sin usar"],
    "Make new ones": "Generar nuevos",
    "Your cases": "Sus casos",
    "Case": "Caso",
    "Access until": "Acceso hasta",
    "You have no role in any case yet.": "Todavía no tiene un rol en ningún caso.",
    "Set up two-step sign-in": "Configurar el acceso en dos pasos",
    "Your role in a case lets you see the identities of victims and witnesses, so signing "
    "in needs a second step: a code from an authenticator app on your phone. Set it up now "
    "to continue.":
        "Su rol en un caso le permite ver la identidad de víctimas y testigos, así que el "
        "acceso necesita un segundo paso: un código de una aplicación de autenticación en su "
        "teléfono. Configúrela ahora para continuar.",
    "Confirming a new app replaces the one you set up before.":
        "Confirmar una aplicación nueva reemplaza la que configuró antes.",
    "Install an authenticator app (for example FreeOTP, Aegis or Google Authenticator) on "
    "your phone.":
        "Instale una aplicación de autenticación (por ejemplo FreeOTP, Aegis o Google "
        "Authenticator) en su teléfono.",
    "Scan this QR code with it, or type the secret key.":
        "Escanee con ella este código QR, o escriba la clave secreta.",
    "Secret key": "Clave secreta",
    "Enter the six digits the app now shows.": "Escriba los seis dígitos que muestra la "
                                               "aplicación.",
    "Confirm": "Confirmar",
    "Keep the secret key to yourself: anyone who has it can make your codes.":
        "No comparta la clave secreta: quien la tenga puede generar sus códigos.",
    "Access ended": "Acceso terminado",
    "Your access to this case has ended": "Su acceso a este caso ha terminado",
    "Your role in the case %(case)s was given until %(until)s (UTC), and that time has "
    "passed. Nothing of the case is shown any more.":
        "Su rol en el caso %(case)s se le dio hasta el %(until)s (UTC), y ese momento ya "
        "pasó. Ya no se muestra nada del caso.",
    "If you still need access, ask an owner of the case to extend it.":
        "Si aún necesita acceso, pida a un responsable del caso que lo prolongue.",
    "Back to your cases": "Volver a sus casos",
    "Sign-in locked": "Acceso bloqueado",
    "Signing in is locked for a while": "El acceso está bloqueado por un tiempo",
    "There were %(limit)s wrong passwords in a row for this user name from this address, so "
    "signing in with it from here is locked.":
        "Hubo %(limit)s contraseñas incorrectas seguidas para este usuario desde esta "
        "dirección, así que el acceso con él desde aquí está bloqueado.",
    "Try again in %(minutes)s minute, after %(until_time)s UTC.": [
        "Inténtelo de nuevo en %(minutes)s minuto, después de las %(until_time)s UTC.",
        "Inténtelo de nuevo en %(minutes)s minutos, después de las %(until_time)s UTC.",
    ],
    "Every further try before then starts the wait again.":
        "Cada nuevo intento antes de esa hora vuelve a empezar la espera.",
    "If you have forgotten your password, ask the owner of your case or the administrator.":
        "Si olvidó su contraseña, pregunte al responsable de su caso o al administrador.",
    "Back to sign-in": "Volver al acceso",
    "Sign in": "Entrar",
    "After several wrong passwords, signing in from this address is locked for a while.":
        "Tras varias contraseñas incorrectas, el acceso desde esta dirección se bloquea por "
        "un tiempo.",
    "Change password": "Cambiar la contraseña",
    "Back to your account": "Volver a su cuenta",
    "Write these codes down or print them, and keep them somewhere safe. They are shown only "
    "now.":
        "Anote o imprima estos códigos y guárdelos en un lugar seguro. Solo se muestran "
        "ahora.",
    "Each one signs you in once, instead of a code from the app, if you lose your phone.":
        "Cada uno le permite entrar una vez, en lugar de un código de la aplicación, si "
        "pierde su teléfono.",
    "I have kept them: continue": "Los he guardado: continuar",
    "You have %(left)s unused recovery code.": [
        "Tiene %(left)s código de recuperación sin usar.",
        "Tiene %(left)s códigos de recuperación sin usar.",
    ],
    "New codes replace all the ones you have now.":
        "Los códigos nuevos reemplazan todos los que tiene ahora.",
    "Make new recovery codes": "Generar códigos de recuperación nuevos",
    "Team": "Equipo",
    "Team of %(case)s": "Equipo de %(case)s",
    "Account %(user)s created.": "Cuenta %(user)s creada.",
    "Send this link to them in a safe way; it works once, for %(days)s day, and is shown "
    "only now:": [
        "Envíele este enlace por una vía segura; funciona una vez, durante %(days)s día, y "
        "solo se muestra ahora:",
        "Envíele este enlace por una vía segura; funciona una vez, durante %(days)s días, y "
        "solo se muestra ahora:",
    ],
    "Invitation link": "Enlace de invitación",
    "Members": "Miembros",
    "User": "Usuario",
    "Role and access until": "Rol y acceso hasta",
    "Remove": "Quitar",
    "invited, not joined yet": "invitado, aún no ha entrado",
    "you": "usted",
    "Change": "Cambiar",
    "access ends %(until)s UTC": "el acceso termina el %(until)s UTC",
    "on": "activado",
    "not set up": "sin configurar",
    "Remove %(user)s from the case": "Quitar a %(user)s del caso",
    "Add or invite a member": "Añadir o invitar a un miembro",
    "Add or invite": "Añadir o invitar",
    "Owners manage the team; a case always keeps at least one owner. Owners, analysts and "
    "documenters see protected fields and sign in with two steps. Partners read the case "
    "without protected fields and without exports, until their date.":
        "Los responsables gestionan el equipo; un caso conserva siempre al menos un "
        "responsable. Responsables, analistas y documentadores ven los datos protegidos y "
        "entran en dos pasos. Los socios externos leen el caso sin datos protegidos y sin "
        "exportaciones, hasta su fecha.",
    "Second step": "Segundo paso",
    "Second step: your code": "Segundo paso: su código",
    "Open your authenticator app and enter the six digits it shows for Expediente. If you "
    "do not have the app at hand, enter one of your recovery codes.":
        "Abra su aplicación de autenticación y escriba los seis dígitos que muestra para "
        "Expediente. Si no tiene la aplicación a mano, escriba uno de sus códigos de "
        "recuperación.",
    "Continue": "Continuar",
    "Cancel and sign out": "Cancelar y salir",
    "You signed in with a recovery code; %(left)d are left.":
        "Entró con un código de recuperación; quedan %(left)d.",
    "That code is not right, or it has expired. Wait for the app to show a new one and try "
    "again (after several wrong codes each try waits longer).":
        "Ese código no es correcto, o ha caducado. Espere a que la aplicación muestre uno "
        "nuevo e inténtelo de nuevo (tras varios códigos incorrectos cada intento espera "
        "más).",
    "QR code for the authenticator app": "Código QR para la aplicación de autenticación",
    "Your password was changed.": "Su contraseña se ha cambiado.",
    "%(user)s is a member already: change their role below":
        "%(user)s ya es miembro: cambie su rol más abajo",
    "%(user)s was added to the case.": "%(user)s se añadió al caso.",
    "The role of %(user)s was changed.": "Se cambió el rol de %(user)s.",
    "%(user)s: %(error)s": "%(user)s: %(error)s",
    "%(user)s no longer has a role in the case.": "%(user)s ya no tiene un rol en el caso.",
    "Security keys": "Llaves de seguridad",
    "A security key (a USB or NFC key, or a passkey on this device) can replace the code "
    "from the app at the second step. It never replaces your password.":
        "Una llave de seguridad (una llave USB o NFC, o una llave de acceso en este "
        "dispositivo) puede reemplazar el código de la aplicación en el segundo paso. Nunca "
        "reemplaza su contraseña.",
    "added %(added)s": "añadida el %(added)s",
    "last used %(used)s": "último uso: %(used)s",
    "No security key yet.": "Todavía no hay ninguna llave de seguridad.",
    "Add a security key": "Añadir una llave de seguridad",
    "This browser cannot use security keys.": "Este navegador no puede usar llaves de seguridad.",
    "Or use your security key.": "O use su llave de seguridad.",
    "Use a security key": "Usar una llave de seguridad",
    "This browser cannot use security keys: enter a code instead.":
        "Este navegador no puede usar llaves de seguridad: escriba un código.",
    "The security key was removed.": "Se quitó la llave de seguridad.",
    "This is your only second factor and your role needs one: set up an authenticator app "
    "or another security key first.":
        "Es su único segundo factor y su rol lo necesita: configure antes una aplicación de "
        "autenticación u otra llave de seguridad.",
    "Security key %(number)d": "Llave de seguridad %(number)d",
    # The services' errors, shown at the field (`accounts.actions`).
    "invite members": "invitar miembros",
    "manage memberships": "gestionar los miembros",
    "a user %(username)s already exists: add them to the case instead of inviting them":
        "ya existe un usuario %(username)s: añádalo al caso en lugar de invitarlo",
    "this invitation was used already": "esta invitación ya se usó",
    "the current password is not right": "la contraseña actual no es correcta",
    "only the operator or an administrator may set passwords":
        "solo el operador o un administrador pueden fijar contraseñas",
    "this is not an authenticator waiting to be confirmed":
        "esta no es una aplicación de autenticación pendiente de confirmar",
    "enter the %(digits)s digits the app shows":
        "escriba los %(digits)s dígitos que muestra la aplicación",
    "that code is not right (or has expired): enter the current one":
        "ese código no es correcto (o ha caducado): escriba el actual",
    "this is your only second factor and your role needs one: set up an authenticator app or "
    "another key first":
        "es su único segundo factor y su rol lo necesita: configure antes una aplicación de "
        "autenticación u otra llave",
}
# fmt: on


def main() -> None:
    catalogue = polib.pofile(str(PO))
    catalogue.header = "Spanish catalogue of Expediente's accounts pages (sign-in, team)."
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.metadata["Language"] = "es"
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    missing = []
    for entry in catalogue:
        found = ES.get(entry.msgid)
        if found is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            forms = found if isinstance(found, list) else [found, found]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = found if isinstance(found, str) else found[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    if missing:
        raise SystemExit("no Spanish yet for:\n" + "\n".join(missing))


if __name__ == "__main__":
    main()
