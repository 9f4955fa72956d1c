def test_bulk_ratings_and_report(api, owner, finance, manager, transport_project):
    rows = [{"project": transport_project.pk, "score": s, "rated_at": "2025-03-01T10:00:00+08:00"} for s in [5, 4, 1]]
    response = api.as_(owner).post("/api/v1/ratings/", rows, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["rectifications_opened"] == 1
    response = api.as_(manager).post("/api/v1/evaluations/recompute/", {"period": 2025}, format="json")
    assert response.status_code == 200, response.json()
    response = api.as_(owner).post(
        "/api/v1/budget-requests/",
        {"project": transport_project.pk, "year": 2026, "amount": "100000.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api.as_(finance).get("/api/v1/budget/2026/")
    assert response.status_code == 200, response.content
    print(response.json())
    response = api.as_(finance).get("/api/v1/budget/2026/?format=xlsx")
    assert response.status_code == 200, response.content
    response = api.as_(finance).get("/api/v1/budget/2026/?format=csv")
    print(response.content.decode())
