"""The embedded database encrypted as a whole with SQLCipher (decision record 1103).

`keyed.py` opens a SQLCipher connection with the key ring's database key; `base.py` is the
Django database backend (`ENGINE = "expediente_web.protection.sqlcipher_backend"`) built on it.
"""
