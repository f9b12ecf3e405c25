"""Print the CREATE statements of the current models, to draft a new migration."""

from models.schema import ALL_MODELS, db

db.init(":memory:")
for model in ALL_MODELS:
    sql, _ = model._schema._create_table(safe=False).query()
    print(sql + ";")
    for index in model._schema._create_indexes(safe=False):
        print(index.query()[0] + ";")
