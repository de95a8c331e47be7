"""Users and the areas each may edit; every change audited in the same transaction."""

from __future__ import annotations

import polars as pl
from sqlalchemy import insert, select

from data_access import schema
from data_access.loaders import load_table
from data_access.models import User
from data_access.store import Store


class UserExistsError(Exception):
    pass


class UnknownAreaError(Exception):
    pass


def add_user(store: Store, user: User, *, actor: str) -> None:
    with store.write(actor) as tx:
        existing = tx.conn.execute(
            select(schema.users.c.id).where(schema.users.c.email == user.email)
        ).first()
        if existing is not None:
            raise UserExistsError(f"a user with email {user.email} already exists")
        row = {"email": user.email, "name": user.name, "role": user.role.value,
               "created_at": tx.now, "version": 1}
        user_id = tx.conn.execute(insert(schema.users).returning(schema.users.c.id), row).scalar_one()
        known = {r[0] for r in tx.conn.execute(select(schema.areas.c.code))}
        unknown = sorted(set(user.areas) - known)
        if unknown:
            raise UnknownAreaError(f"no such area code: {', '.join(unknown)}")
        if user.areas:
            tx.conn.execute(
                insert(schema.user_areas),
                [{"user_id": user_id, "area_code": code} for code in user.areas],
            )
        tx.audit("user:add", "users", user.email, None,
                 {**row, "id": user_id, "areas": list(user.areas)})
        tx.touched.add("user_areas")


def list_users(store: Store) -> pl.DataFrame:
    users = load_table(store, "users")
    scopes = (
        load_table(store, "user_areas")
        .group_by("user_id")
        .agg(pl.col("area_code").sort().str.join(",").alias("areas"))
    )
    return (
        users.join(scopes, left_on="id", right_on="user_id", how="left")
        .select("email", "name", "role", pl.col("areas").fill_null(""), "created_at")
        .sort("email")
    )


