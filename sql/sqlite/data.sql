-- sqlscim lab: demo data for SQLite. Run after schema.sql.

-- 10 entitlements
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (1, 'VPN Access', 'Remote access to the internal network over VPN');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (2, 'GitHub Admin', 'Administrator of the GitHub organization');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (3, 'AWS Console', 'Sign-in to the AWS management console');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (4, 'Jira Admin', 'Administrator of Jira projects and workflows');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (5, 'Confluence Edit', 'Create and edit Confluence pages');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (6, 'Database Read', 'Read-only access to production databases; no writes');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (7, 'Database Write', 'Read and write access to production databases');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (8, 'Slack Admin', 'Administrator of the Slack workspace');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (9, 'Office 365', 'Office 365 mailbox and desktop apps');
INSERT INTO ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (10, 'Salesforce', 'Salesforce CRM user licence');

-- 15 users; darth.vader and kylo.ren are inactive, so 13 are active
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('luke.skywalker@galaxy.local', 'luke.skywalker', 'Luke', 'Skywalker', NULL, 'luke.skywalker@galaxy.local', 'Luke Skywalker', 'Red Five', '+1-555-0101', 'Lars Homestead', 'Anchorhead', 'Tatooine', '10001', 'US', 'America/Phoenix', 'Jedi Order', 'Jedi Knights', 'obiwan.kenobi@galaxy.local', 'Obi-Wan Kenobi', 'Jedi Knight', 'E1001', '2017-05-25', NULL, '$2a$10$Jd7Qx0cF1sYbW5m8H2kLdeQ0Vt3nA9rPz6GhE4uXyC1oLiS8fMwKa', 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('leia.organa@galaxy.local', 'leia.organa', 'Leia', 'Organa', NULL, 'leia.organa@galaxy.local', 'Leia Organa', 'Princess', '+1-555-0102', '1 Royal Palace', 'Aldera', 'Alderaan', '20002', 'US', 'America/New_York', 'Resistance', 'High Command', NULL, NULL, 'General', 'E1002', '2015-01-10', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('han.solo@galaxy.local', 'han.solo', 'Han', 'Solo', NULL, 'han.solo@galaxy.local', 'Han Solo', 'Flyboy', '+1-555-0103', 'Docking Bay 94', 'Mos Eisley', 'Tatooine', '10002', 'US', 'America/Phoenix', 'Resistance', 'Fleet Operations', 'leia.organa@galaxy.local', 'Leia Organa', 'Captain', 'E1003', '2016-03-14', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('obiwan.kenobi@galaxy.local', 'obiwan.kenobi', 'Obi-Wan', 'Kenobi', NULL, 'obiwan.kenobi@galaxy.local', 'Obi-Wan Kenobi', 'Ben', '+1-555-0104', 'Jundland Wastes', 'Jundland', 'Tatooine', '10003', 'US', 'America/Phoenix', 'Jedi Order', 'Jedi Council', 'yoda@galaxy.local', 'Master Yoda', 'Jedi Master', 'E1004', '2010-06-01', NULL, '$2a$10$Kp2Zr7Tq5Lm0Xc8Vb3Nn1eYh6Wd4Fs9Ag2Uj7Ik5Ol3Pm1Qr8St6Uv', 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('yoda@galaxy.local', 'yoda', 'Yoda', 'Master', NULL, 'yoda@galaxy.local', 'Master Yoda', NULL, NULL, 'Swamp Hut', 'Dagobah Swamp', 'Dagobah', NULL, NULL, 'UTC', 'Jedi Order', 'Jedi Council', NULL, NULL, 'Grand Master', 'E1000', '2000-01-01', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('darth.vader@galaxy.local', 'darth.vader', 'Darth', 'Vader', NULL, 'darth.vader@galaxy.local', 'Darth Vader', 'Lord Vader', NULL, 'Fortress Vader', 'Bast Castle', 'Mustafar', NULL, 'US', 'UTC', 'Galactic Empire', 'Imperial Navy', NULL, NULL, 'Sith Lord', 'E2001', '2012-09-09', '2019-05-04', NULL, 0);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('padme.amidala@galaxy.local', 'padme.amidala', 'Padme', 'Amidala', 'Naberrie', 'padme.amidala@galaxy.local', 'Padmé Amidala', NULL, '+1-555-0107', '1 Palace Plaza', 'Theed', 'Naboo', '30001', 'US', 'Europe/Rome', 'Galactic Senate', 'Naboo Delegation', NULL, NULL, 'Senator', 'E3001', '2014-02-02', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('chewbacca@galaxy.local', 'chewbacca', 'Chewbacca', 'Wookiee', NULL, 'chewbacca@galaxy.local', 'Chewbacca', 'Chewie', NULL, NULL, 'Rwookrrorro', 'Kashyyyk', NULL, NULL, 'UTC', 'Resistance', 'Fleet Operations', 'han.solo@galaxy.local', 'Han Solo', 'First Mate', 'E1008', '2016-03-14', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('lando.calrissian@galaxy.local', 'lando.calrissian', 'Lando', 'Calrissian', NULL, 'lando.calrissian@galaxy.local', 'Lando Calrissian', NULL, '+1-555-0109', '1 Tibanna Tower', 'Cloud City', 'Bespin', '40001', 'US', 'America/Los_Angeles', 'Cloud City', 'Administration', NULL, NULL, 'Baron Administrator', 'E4001', '2013-08-08', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('rey.skywalker@galaxy.local', 'rey.skywalker', 'Rey', 'Skywalker', NULL, 'rey.skywalker@galaxy.local', 'Rey Skywalker', 'Scavenger', NULL, NULL, 'Niima Outpost', 'Jakku', NULL, 'US', 'UTC', 'Resistance', 'Jedi Training', 'leia.organa@galaxy.local', 'Leia Organa', 'Jedi Apprentice', 'E1010', '2019-12-20', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('finn.storm@galaxy.local', 'finn.storm', 'Finn', 'Storm', NULL, 'finn.storm@galaxy.local', 'Finn Storm', 'FN-2187', '+1-555-0111', NULL, NULL, NULL, NULL, NULL, 'UTC', 'Resistance', 'Ground Forces', 'poe.dameron@galaxy.local', 'Poe Dameron', 'Sergeant', 'E1011', '2018-04-01', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('poe.dameron@galaxy.local', 'poe.dameron', 'Poe', 'Dameron', NULL, 'poe.dameron@galaxy.local', 'Poe Dameron', 'Black Leader', '+1-555-0112', 'Dameron Homestead', 'Yavin City', 'Yavin 4', '50001', 'US', 'America/Chicago', 'Resistance', 'Starfighter Corps', 'leia.organa@galaxy.local', 'Leia Organa', 'Commander', 'E1012', '2017-11-11', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('mace.windu@galaxy.local', 'mace.windu', 'Mace', 'Windu', NULL, 'mace.windu@galaxy.local', 'Mace Windu', NULL, NULL, 'Jedi Temple', 'Galactic City', 'Coruscant', '00001', 'US', 'America/New_York', 'Jedi Order', 'Jedi Council', 'yoda@galaxy.local', 'Master Yoda', 'Jedi Master', 'E1013', '2008-04-04', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('qui-gon.jinn@galaxy.local', 'qui-gon.jinn', 'Qui-Gon', 'Jinn', NULL, 'qui-gon.jinn@galaxy.local', 'Qui-Gon Jinn', NULL, NULL, 'Watto''s Junk Shop', 'Mos Espa', 'Tatooine', '10004', 'US', 'America/Phoenix', 'Jedi Order', 'Jedi Knights', 'yoda@galaxy.local', 'Master Yoda', 'Jedi Master', 'E1014', '2005-05-19', NULL, NULL, 1);
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES ('kylo.ren@galaxy.local', 'kylo.ren', 'Kylo', 'Ren', NULL, 'kylo.ren@galaxy.local', 'Kylo Ren', 'Ben Solo', NULL, NULL, NULL, 'Supremacy', NULL, NULL, 'UTC', 'First Order', 'Knights of Ren', NULL, NULL, 'Supreme Leader', 'E5001', '2015-12-18', '2019-12-20', NULL, 0);

-- 33 assignments (ASSIGNEDDATE takes its default)
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('luke.skywalker@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('luke.skywalker@galaxy.local', 2);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('luke.skywalker@galaxy.local', 5);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('leia.organa@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('leia.organa@galaxy.local', 3);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('leia.organa@galaxy.local', 4);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('han.solo@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('han.solo@galaxy.local', 6);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('obiwan.kenobi@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('obiwan.kenobi@galaxy.local', 2);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('obiwan.kenobi@galaxy.local', 3);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('yoda@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('yoda@galaxy.local', 2);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('yoda@galaxy.local', 3);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('yoda@galaxy.local', 4);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('darth.vader@galaxy.local', 7);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('darth.vader@galaxy.local', 8);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('padme.amidala@galaxy.local', 9);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('padme.amidala@galaxy.local', 10);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('chewbacca@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('chewbacca@galaxy.local', 6);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('lando.calrissian@galaxy.local', 9);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('lando.calrissian@galaxy.local', 10);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('rey.skywalker@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('rey.skywalker@galaxy.local', 2);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('finn.storm@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('poe.dameron@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('poe.dameron@galaxy.local', 8);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('mace.windu@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('mace.windu@galaxy.local', 3);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('qui-gon.jinn@galaxy.local', 1);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('qui-gon.jinn@galaxy.local', 9);
INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ('kylo.ren@galaxy.local', 7);
